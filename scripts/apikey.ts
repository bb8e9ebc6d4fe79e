// npm run apikey -- create --name <name> --role viewer|operator|admin
// npm run apikey -- list [--all]
// npm run apikey -- revoke <id>
import { parseArgs } from "node:util";
import { issueApiKey, ROLES, type Role, SYSTEM_ACTOR } from "@fastier/core";
import { createPrismaApiKeyStore } from "@fastier/db";
import { fail, withCliDatabase } from "./cliDatabase.ts";

const USAGE = `usage:
  npm run apikey -- create --name <name> --role <viewer|operator|admin>
  npm run apikey -- list [--all]
  npm run apikey -- revoke <key id>`;

const { values, positionals } = parseArgs({
  options: { name: { type: "string" }, role: { type: "string" }, all: { type: "boolean", default: false } },
  allowPositionals: true,
});
const [command, target] = positionals;
const audit = { actor: { ...SYSTEM_ACTOR, name: "cli" }, requestId: null };

if (command === "create") {
  const name = values.name ?? fail(`--name is required\n${USAGE}`);
  if (!/^[\w .@-]{1,100}$/.test(name)) fail("--name: 1 to 100 letters, digits, spaces, . @ _ or -");
  const role = values.role as Role;
  if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(", ")}\n${USAGE}`);
  const issued = issueApiKey();
  const created = await withCliDatabase((db) =>
    createPrismaApiKeyStore(db.prisma).create(
      { name, role, prefix: issued.prefix, hash: issued.hash, createdBy: "cli" },
      audit,
    ),
  );
  console.log(`created ${role} key "${name}" (id ${created.id}). It is shown only now:\n\n  ${issued.key}\n`);
} else if (command === "list") {
  const keys = await withCliDatabase((db) => createPrismaApiKeyStore(db.prisma).list(values.all));
  for (const key of keys) {
    const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
    console.log(`${key.id}  ${key.prefix}…  ${key.role.padEnd(8)}  ${key.name}  (${state})`);
  }
  if (keys.length === 0) console.log("no keys");
} else if (command === "revoke") {
  if (!target) fail(`the key id is required\n${USAGE}`);
  const revoked = await withCliDatabase((db) => createPrismaApiKeyStore(db.prisma).revoke(target, audit));
  console.log(`revoked key "${revoked.name}" (${revoked.id})`);
} else {
  fail(USAGE);
}

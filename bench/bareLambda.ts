// The cold-start floor (npm run bench:cold-start): the API's first authenticated list with nothing but
// Fastify and pg, bundled and started the way the API's Lambda bundle is. It does what the app must do
// for that answer (hash the bearer key, look the key up, read a page of environments) and nothing more:
// no config schema, no plugins, no response schema, no Prisma.
import { createHash } from "node:crypto";
import awsLambdaFastify from "@fastify/aws-lambda";
import Fastify from "fastify";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
const app = Fastify({ logger: false });

app.get("/v1/environments", async (request, reply) => {
  const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
  const hash = key ? createHash("sha256").update(key).digest("hex") : "";
  const found = await pool.query("SELECT id, role FROM api_keys WHERE hash = $1 AND revoked_at IS NULL", [hash]);
  if (found.rowCount === 0) return reply.code(401).send({ title: "Unauthorized" });
  const { rows } = await pool.query(
    `SELECT id, name, description, region, account_id AS "accountId", tags, version,
            created_at AS "createdAt", updated_at AS "updatedAt"
       FROM environments ORDER BY name, id LIMIT 51`,
  );
  return { items: rows.slice(0, 50), nextCursor: null };
});

const proxy = awsLambdaFastify(app, { decorateRequest: false });
const ready = app.ready();

export async function handler(event: unknown, context: unknown) {
  await ready;
  return proxy(event as never, context as never);
}

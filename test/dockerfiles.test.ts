// No Docker engine runs here: this checks what can be checked of the Dockerfile and the compose file offline.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CONFIG_VARIABLES, loadConfig } from "@fastier/config";
// yaml comes with @fastify/swagger (its YAML output); the compose file is parsed as Docker reads it, anchors included.
import { parse } from "yaml";

const dockerfile = readFileSync("Dockerfile", "utf8");
const compose = parse(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const packageJson = JSON.parse(readFileSync("package.json", "utf8")) as {
  scripts: Record<string, string>;
  workspaces: string[];
};

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { keyword: string; args: string }[] {
  return text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

const all = instructions(dockerfile);
const lastFrom = all.map((instruction) => instruction.keyword).lastIndexOf("FROM");
const finalStage = all.slice(lastFrom);

/**
 * A container's command must be node itself (a SIGTERM to npm or a shell would
 * not reach the app), running the same entry file as the npm script a user runs.
 */
function assertRunsScriptDirectly(command: unknown, script: string) {
  assert.ok(Array.isArray(command), `exec form, not a shell string: ${JSON.stringify(command)}`);
  assert.equal(command[0], "node", "node is the main process");
  const entry = command.at(-1) as string;
  assert.ok(existsSync(entry), `${entry} exists`);
  assert.equal(packageJson.scripts[script], `exec ${command.join(" ")}`, `the same command as npm run ${script}`);
}

describe("Dockerfile", () => {
  it("builds in stages from node:20-bookworm-slim, installing with npm ci", () => {
    const froms = all.filter((instruction) => instruction.keyword === "FROM");
    assert.ok(froms.length >= 2, "a build stage and a runtime stage");
    for (const from of froms) assert.match(from.args, /^node:20-bookworm-slim\b/);
    assert.ok(all.slice(0, lastFrom).some((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args)));
  });

  it("copies every workspace's package.json before npm ci, so the install sees the whole lockfile", () => {
    const copied = all
      .filter((instruction) => instruction.keyword === "COPY" && !instruction.args.startsWith("--from"))
      .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1));
    for (const workspace of packageJson.workspaces) {
      // A workspace built during npm ci (the dashboard) is copied whole, its manifest with it.
      const manifestCopied = copied.includes(`${workspace}/package.json`) || copied.includes(workspace);
      assert.ok(manifestCopied, `${workspace}/package.json is not copied`);
    }
    for (const source of copied.filter((entry) => entry !== ".")) assert.ok(existsSync(source), `${source} is missing`);
  });

  it("runs as a non-root user, with a health check on /healthz", () => {
    const user = finalStage.filter((instruction) => instruction.keyword === "USER").at(-1);
    assert.ok(user, "the runtime stage sets USER");
    assert.ok(!/^(root|0)(:|$)/.test(user.args), `USER ${user.args} is root`);
    const healthcheck = finalStage.find((instruction) => instruction.keyword === "HEALTHCHECK");
    assert.ok(healthcheck, "the runtime stage has a HEALTHCHECK");
    assert.match(healthcheck.args, /\/healthz/);
    assert.ok(
      finalStage.some((instruction) => instruction.keyword === "ENV" && /\bHOST=0\.0\.0\.0\b/.test(instruction.args)),
    );
  });

  it("runs the API with node as the main process, as npm run start:api does", () => {
    const cmd = finalStage.filter((instruction) => instruction.keyword === "CMD").at(-1);
    assert.ok(cmd, "the runtime stage has a CMD");
    assertRunsScriptDirectly(JSON.parse(cmd.args), "start:api");
  });
});

describe("docker-compose.yml", () => {
  const { postgres, api, worker } = compose.services;

  it("runs PostgreSQL 17 with a volume and a health check the apps wait for", () => {
    assert.equal(postgres?.image, "postgres:17");
    const volume = postgres?.volumes?.[0]?.split(":")[0] ?? "";
    assert.ok(compose.volumes && volume in compose.volumes, "a named volume for the data");
    assert.ok(postgres?.healthcheck?.test);
    for (const service of [api, worker]) assert.equal(service?.depends_on?.postgres?.condition, "service_healthy");
  });

  it("runs the API and the worker from the image, node itself as each container's main process", () => {
    for (const service of [api, worker]) assert.ok(service?.build, "built from the Dockerfile");
    assertRunsScriptDirectly(api?.command, "start:api");
    assertRunsScriptDirectly(worker?.command, "start:worker");
  });

  it("configures the apps only with variables the config module knows, and values it accepts", () => {
    const known = new Set(CONFIG_VARIABLES.map((variable) => variable.name));
    for (const [name, service] of Object.entries({ api, worker })) {
      const environment = stringValues(service?.environment);
      for (const key of Object.keys(environment)) assert.ok(known.has(key), `${name}: ${key} is not a known variable`);
      const config = loadConfig(environment);
      assert.ok(config.databaseUrl, `${name} has a DATABASE_URL`);
      assert.equal(new URL(config.databaseUrl).hostname, "postgres", `${name} reaches the postgres service`);
    }
    assert.equal(loadConfig(stringValues(api?.environment)).host, "0.0.0.0");
  });
});

describe(".dockerignore", () => {
  it("keeps the host's installed and generated files out of the image", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split(/\r?\n/);
    for (const entry of ["node_modules", "packages/db/src/generated", ".data", "dist"]) {
      assert.ok(ignored.includes(entry), `${entry} is not ignored`);
    }
  });
});

function stringValues(environment: ComposeService["environment"]): Record<string, string> {
  return Object.fromEntries(Object.entries(environment ?? {}).map(([key, value]) => [key, String(value)]));
}

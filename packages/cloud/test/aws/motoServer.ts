// Runs moto's server (a local AWS emulator) for the adapter tests that make real SDK calls.
// moto is on CI and developer machines that installed it, not on a fresh checkout: there the
// moto tier is skipped, loudly, unless REQUIRE_MOTO=1 says it must run (CI sets it).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

export const MOTO_MISSING = "skipped: moto not installed";

export const MOTO_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const MOTO_REGION = "us-east-1";

export interface MotoServer {
  endpoint: string;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function motoInstalled(): boolean {
  const probe = spawnSync("python3", ["-c", "import moto"], { stdio: "ignore" });
  return probe.status === 0;
}

const requireMoto = process.env.REQUIRE_MOTO === "1";
const installed = motoInstalled();

/**
 * The `skip` option for a moto suite: the reason when moto is missing and may
 * be skipped, otherwise false (and when it is required but missing, starting
 * the server fails the suite with the same message).
 */
export const motoSkip: string | false = installed || requireMoto ? false : MOTO_MISSING;
if (motoSkip) console.log(MOTO_MISSING);

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("could not find a free port");
  return address.port;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    return response.ok;
  } catch {
    return false;
  }
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode} before answering:\n${output()}`);
    if (await answers(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto did not answer at ${endpoint} within 30 s:\n${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startMotoServer(): Promise<MotoServer> {
  if (!installed) throw new Error(`${MOTO_MISSING} (REQUIRE_MOTO=1: the moto tier must run here)`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    // moto logs every request to stderr; only the tail helps when start-up fails.
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  try {
    await waitUntilAnswering(endpoint, child, () => stderr);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    stop: () => stopProcess(child),
  };
}

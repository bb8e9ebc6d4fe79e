import { type ChildProcess, spawn } from "node:child_process";

export interface StartedServer {
  child: ChildProcess;
  output: () => string;
  url: string;
  adminKey: string | null;
  stop(): Promise<number | null>;
}

/** What the child prints on stdout and stderr, interleaved as it arrives, read at any time. */
export function collectOutput(child: ChildProcess): () => string {
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return () => output;
}

/** Runs `npm start`'s entry point (API and worker) and waits for its banner. */
export function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<StartedServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: { ...env, PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), timeoutMs);
    const poll = setInterval(() => {
      if (!output().includes("Stop with Ctrl+C")) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        child,
        output,
        url: /API\s+(http:\/\/\S+)/.exec(output())?.[1] ?? "",
        adminKey: /^\s+(fcp_\S+)\s*$/m.exec(output())?.[1] ?? null,
        async stop() {
          child.kill("SIGTERM");
          return exited;
        },
      });
    }, 50);
    exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
}

/** Runs a project script (scripts/<name>.ts) to completion. */
export function runScript(name: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

// npm run bench:webhooks: how long an event takes from its commit to a receiver on loopback, through the
// real worker loop (outbox → fan-out → claim → signed POST), at the default delivery interval and a short one.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createManualClock, createSimCloud } from "@fastier/cloud";
import { newSigningSecret } from "@fastier/core";
import { onPgClient, openDatabaseHandle, writeNotifications } from "@fastier/db";
import { inTransaction } from "@fastier/db/pgTransaction";
import pino from "pino";
import { startWorker } from "../apps/worker/src/startWorker.ts";
import { startBenchProcess } from "./benchProcess.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 60);
const INTERVALS_MS = [500, 50];
const { log, cleanup, finish } = startBenchProcess("bench:webhooks", { deadlineMs: 300_000 });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function measure(url: string, intervalMs: number): Promise<number[]> {
  const database = openDatabaseHandle({ url, poolMax: 4 });
  const arrivals = new Map<number, number>();
  let arrived: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      arrivals.set(JSON.parse(Buffer.concat(chunks).toString()).data.n, performance.now());
      res.writeHead(204).end();
      arrived?.();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await database.prisma.webhookSubscription.create({
    data: {
      url: `http://127.0.0.1:${port}/`,
      events: ["operation.failed"],
      secret: newSigningSecret(),
      createdBy: "bench",
    },
  });
  const subject = "00000000-0000-4000-8000-0000000000b1";
  const worker = startWorker({
    database,
    cloud: createSimCloud({ pool: database.pool, clock: createManualClock(new Date()) }),
    log: pino({ level: "silent" }),
    syncIntervalSeconds: 0,
    reconcileIntervalMs: 0,
    webhookIntervalMs: intervalMs,
    webhooks: { dashboardBaseUrl: "http://127.0.0.1:3000" },
  });
  const latencies: number[] = [];
  try {
    for (let n = 0; n < EVENTS; n++) {
      const delivered = new Promise<void>((resolve) => {
        arrived = () => arrivals.has(n) && resolve();
      });
      await inTransaction(database.pool, (client) =>
        writeNotifications(onPgClient(client), [
          {
            type: "operation.failed",
            occurredAt: new Date(),
            environmentId: null,
            subject: { id: subject, kind: "bench", name: "bench" },
            severity: null,
            data: { n, summary: `event ${n}` },
          },
        ]),
      );
      const committed = performance.now();
      await delivered;
      latencies.push((arrivals.get(n) ?? committed) - committed);
      // A random pause, so commits fall anywhere in the worker's interval.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
    }
  } finally {
    await worker.stop();
    server.close();
    await database.close();
  }
  return latencies.sort((a, b) => a - b);
}

await finish(async () => {
  const { url, source } = await openThrowawayDatabase(process.env.DATABASE_URL, cleanup, log);
  console.log(
    `webhook latency, commit → loopback receiver, ${EVENTS} events one at a time (${source}, Node ${process.version})`,
  );
  for (const intervalMs of INTERVALS_MS) {
    const sorted = await measure(url, intervalMs);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(
      `  WEBHOOK_DELIVERY_INTERVAL_MS=${intervalMs}: median ${fmt(percentile(sorted, 0.5))}, p95 ${fmt(percentile(sorted, 0.95))}, min ${fmt(sorted[0] ?? 0)}, max ${fmt(sorted.at(-1) ?? 0)}`,
    );
  }
  return true;
});

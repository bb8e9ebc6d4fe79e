// npm run bench:sim-metrics: the simulator's GetMetricData answering one sweep of a 10,000-instance fleet.
import { createHash, type Hash } from "node:crypto";
import os from "node:os";
import { createManualClock, createSimCloud } from "@fastier/cloud";
import {
  type CloudPort,
  type MetricDataRequest,
  type MetricDataResult,
  type MetricQuery,
  planMetricBatches,
  SWEEP_DEFAULTS,
  sweepWindow,
} from "@fastier/core";
import { openDatabaseHandle } from "@fastier/db";
import { getMetricData } from "../packages/cloud/src/sim/simMetrics.ts";
import type { SimWorld } from "../packages/cloud/src/sim/simState.ts";
import { startBenchProcess } from "./benchProcess.ts";
import { positiveInteger } from "./benchSettings.ts";
import { SWEEP_AT } from "./measureFleetSweeps.ts";
import { buildFleetWorld, installSimWorld, REGION } from "./sweepFleet.ts";
import { sweepQueriesOfCloud } from "./sweepFleetQueries.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

const ACCOUNT_ID = "bench-sim-metrics";
const INSTANCES_PER_GROUP = 10;

const { log, cleanup, finish } = startBenchProcess("bench:sim-metrics", { deadlineMs: 5 * 60_000 });
const instances = positiveInteger(process.env, "BENCH_SIM_INSTANCES", 10_000);
const rounds = positiveInteger(process.env, "BENCH_SIM_ROUNDS", 3);

interface Round {
  wallMs: number;
  cpuMs: number;
  calls: number;
  datapoints: number;
  /** sha256 of every series' id, timestamps and values, in answer order: equal digests, equal answers. */
  digest: string;
}

type Answer = (request: MetricDataRequest) => Promise<MetricDataResult> | MetricDataResult;

/** Every batch of the sweep, one call each as the sweep makes them; only the calls are timed. */
async function measureRound(answer: Answer, batches: MetricQuery[][], window: { start: Date; end: Date }) {
  const hash = createHash("sha256");
  const round: Round = { wallMs: 0, cpuMs: 0, calls: 0, datapoints: 0, digest: "" };
  for (const queries of batches) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await answer({ queries, start: window.start, end: window.end });
    round.wallMs += performance.now() - started;
    const used = process.cpuUsage(cpu);
    round.cpuMs += (used.user + used.system) / 1000;
    round.calls += result.calls;
    digestInto(hash, result);
    round.datapoints += result.series.reduce((sum, series) => sum + series.points.length, 0);
  }
  round.digest = hash.digest("hex");
  return round;
}

/** Ids, lengths, and every point's time and value as raw doubles: exact, and little garbage to collect during the next call. */
function digestInto(hash: Hash, result: MetricDataResult) {
  const points = result.series.reduce((sum, series) => sum + series.points.length, 0);
  const numbers = new Float64Array(2 * points);
  let at = 0;
  for (const series of result.series) {
    for (const point of series.points) {
      numbers[at++] = point.timestamp.getTime();
      numbers[at++] = point.value;
    }
  }
  hash.update(result.series.map((series) => `${series.id}:${series.complete}:${series.points.length}`).join(","));
  hash.update(new Uint8Array(numbers.buffer));
}

function report(label: string, index: number, round: Round) {
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  const perSecond = Math.round(round.datapoints / (round.wallMs / 1000));
  console.log(
    `${label} round ${index + 1}: ${round.calls} calls, ${round.datapoints} datapoints, ` +
      `wall ${round.wallMs.toFixed(0)} ms, CPU ${round.cpuMs.toFixed(0)} ms, ${perSecond} datapoints/s (wall), ` +
      `load ${load}, answers sha256 ${round.digest.slice(0, 16)}`,
  );
}

async function run(): Promise<boolean> {
  const database = await openThrowawayDatabase(process.env.DATABASE_URL || undefined, cleanup, log);
  const handle = openDatabaseHandle({ url: database.url, poolMax: 2 });
  cleanup.defer("close the pool", () => handle.close());
  const now = SWEEP_AT.getTime();
  const world: SimWorld = buildFleetWorld(
    now,
    { groups: instances / INSTANCES_PER_GROUP, instancesPerGroup: INSTANCES_PER_GROUP },
    ACCOUNT_ID,
  );
  await installSimWorld(handle.pool, ACCOUNT_ID, world);
  const cloud: CloudPort = createSimCloud({
    pool: handle.pool,
    clock: createManualClock(SWEEP_AT),
    accountId: ACCOUNT_ID,
    region: REGION,
  });
  // Discovery also leaves the parsed world cached in the store, as the sync before a sweep does.
  const queries = await sweepQueriesOfCloud(cloud, SWEEP_AT);
  const window = sweepWindow(SWEEP_AT, SWEEP_DEFAULTS.windowPeriods);
  const batches = planMetricBatches(queries, window.start, window.end);
  console.log(
    `machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ` +
      `${instances} instances in ${instances / INSTANCES_PER_GROUP} groups, ${queries.length} queries in ${batches.length} batches, ` +
      `window ${window.start.toISOString()} – ${window.end.toISOString()}`,
  );

  // Through the cloud port, as the sweep waits for it: a transaction per call on the account's row.
  const digests = new Set<string>();
  for (let i = 0; i < rounds; i += 1) {
    const round = await measureRound((request) => cloud.metrics.getMetricData(request), batches, window);
    report("port", i, round);
    digests.add(round.digest);
  }
  // The simulator's function alone, on the same world: what the database adds is the difference.
  for (let i = 0; i < rounds; i += 1) {
    const round = await measureRound((request) => getMetricData(world, now, request), batches, window);
    report("function", i, round);
    digests.add(round.digest);
  }
  if (digests.size !== 1) {
    log(`FAILED: the rounds answered differently (${[...digests].join(", ")})`);
    return false;
  }
  console.log(`answers sha256 ${[...digests][0]}`);
  return true;
}

await finish(run);

import { createManualClock, createSimCloud } from "@fastier/cloud";
import { type AuditContext, type CloudPort, type SweepRun, SYSTEM_ACTOR, syncEnvironment } from "@fastier/core";
import { createInventoryStore, createPrismaSyncStore, type DatabaseHandle, openDatabaseHandle } from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import { type FleetDashboardResult, measureFleetDashboard } from "./fleetDashboard.ts";
import { type MemoryPeak, startLiveHeapProbe, startMemorySampler } from "./memorySampler.ts";
import { startServerCpuProbe } from "./serverCpu.ts";
import { buildFleetWorld, type FleetShape, installSimWorld, REGION } from "./sweepFleet.ts";

/** The simulated time of the first sweep: 17:02:30 UTC, the load model's daily peak, mid-period. */
export const SWEEP_AT = new Date("2026-11-24T17:02:30.000Z");
const FIVE_MINUTES = 5 * 60_000;
const ACCOUNT_ID = "bench-fleet";
const AUDIT: AuditContext = { actor: { ...SYSTEM_ACTOR, name: "system:bench" }, requestId: null };

export interface SweepMeasurement {
  label: string;
  run: SweepRun;
  wallMs: number;
  memory: MemoryPeak;
  /** CPU of this process (the sweep, the simulator in it, the pg client) during the sweep. */
  processCpuMs: number;
  /** CPU of the PostgreSQL sessions of the bench's database during the sweep, when /proc shows them. */
  databaseCpuMs: number | null;
}

export interface FleetMeasurement {
  instances: number;
  groups: number;
  /** Size of the simulator's world document. */
  worldBytes: number;
  worldMs: number;
  syncMs: number;
  syncedResources: number;
  sweeps: SweepMeasurement[];
  /**
   * A third, untimed sweep five minutes after the steady one: the largest heap
   * still in use (after a full collection) as each GetMetricData answer arrives.
   */
  liveHeapGrowthBytes: number;
  /** The dashboard's reads on the swept fleet, each beside its floor. */
  dashboard: FleetDashboardResult;
}

/**
 * On an empty migrated database: a simulated account with the fleet, an
 * inventory synced from it, then a first sweep at SWEEP_AT and a steady-state
 * sweep five simulated minutes later.
 */
export async function measureFleetSweeps(
  url: string,
  shape: FleetShape,
  log: (message: string) => void,
): Promise<FleetMeasurement> {
  // Closed as soon as this fleet is measured; an interrupted run is cleaned up by dropping the database.
  const database = openDatabaseHandle({ url, poolMax: 4 });
  try {
    return await measure(database, shape, log);
  } finally {
    await database.close();
  }
}

async function measure(
  database: DatabaseHandle,
  shape: FleetShape,
  log: (message: string) => void,
): Promise<FleetMeasurement> {
  const clock = createManualClock(SWEEP_AT);
  const instances = shape.groups * shape.instancesPerGroup;

  let started = performance.now();
  const worldBytes = await installSimWorld(
    database.pool,
    ACCOUNT_ID,
    buildFleetWorld(SWEEP_AT.getTime(), shape, ACCOUNT_ID),
  );
  const worldMs = performance.now() - started;
  const cloud = createSimCloud({ pool: database.pool, clock, accountId: ACCOUNT_ID, region: REGION });

  started = performance.now();
  const inventory = createInventoryStore(database);
  const environment = await inventory.createEnvironment({ name: "bench-fleet", region: REGION }, AUDIT);
  const sync = await syncEnvironment(
    { cloud, inventory, syncs: createPrismaSyncStore(database), now: () => clock.now() },
    environment.id,
    "api",
    AUDIT,
  );
  if (sync.status !== "succeeded") throw new Error(`the inventory sync ${sync.status}: ${sync.error ?? ""}`);
  // Planner statistics as a long-running database would have them.
  await database.prisma.$executeRawUnsafe("ANALYZE");
  const syncMs = performance.now() - started;
  log(
    `${instances} instances: world of ${(worldBytes / 1e6).toFixed(1)} MB stored in ${worldMs.toFixed(0)} ms, ` +
      `${sync.created} resources synced in ${(syncMs / 1000).toFixed(1)} s`,
  );

  const runner = createSweepRunner({ database, cloud, now: () => clock.now() });
  const sweeps: SweepMeasurement[] = [];
  for (const label of ["first", "steady"] as const) {
    if (label === "steady") clock.advance(FIVE_MINUTES);
    const serverCpu = await startServerCpuProbe(database.pool);
    const sampler = startMemorySampler();
    const cpuBefore = process.cpuUsage();
    const sweepStarted = performance.now();
    const run = await runner.sweepOnce("cli");
    const wallMs = performance.now() - sweepStarted;
    const cpu = process.cpuUsage(cpuBefore);
    const memory = sampler.stop();
    const databaseCpuMs = await serverCpu.stop();
    if (!run) throw new Error("the sweep lock was taken: something else is sweeping the bench database");
    log(`${instances} instances, ${label} sweep: ${run.status} in ${wallMs.toFixed(0)} ms`);
    sweeps.push({ label, run, wallMs, memory, processCpuMs: (cpu.user + cpu.system) / 1000, databaseCpuMs });
  }

  clock.advance(FIVE_MINUTES);
  const probe = startLiveHeapProbe();
  const probed: CloudPort = {
    ...cloud,
    metrics: {
      getMetricData: async (request) => {
        const answer = await cloud.metrics.getMetricData(request);
        probe.measure();
        return answer;
      },
    },
  };
  const probeRun = await createSweepRunner({ database, cloud: probed, now: () => clock.now() }).sweepOnce("cli");
  probe.measure();
  if (probeRun?.status !== "succeeded") throw new Error(`the memory probe sweep ${probeRun?.status ?? "did not run"}`);
  log(`${instances} instances, memory probe sweep: live heap +${(probe.peakGrowthBytes() / 2 ** 20).toFixed(1)} MB`);
  const dashboard = await measureFleetDashboard(database, cloud, () => clock.now());

  return {
    instances,
    groups: shape.groups,
    worldBytes,
    worldMs,
    syncMs,
    syncedResources: sync.created,
    sweeps,
    liveHeapGrowthBytes: probe.peakGrowthBytes(),
    dashboard,
  };
}

// npm run sweep: one health sweep now, on the configured database and cloud; prints what it found.
import { loadConfig } from "@fastier/config";
import { createLogger, createSweepRunner, openRuntime, sweepSettingsOf } from "@fastier/runtime";

const config = loadConfig();
const runtime = await openRuntime(config, createLogger(config.logLevel === "info" ? "warn" : config.logLevel));
try {
  const run = await createSweepRunner({
    database: runtime.database,
    cloud: runtime.cloud.port,
    now: runtime.cloud.now,
    settings: sweepSettingsOf(config.health),
  }).sweepOnce("cli");
  if (!run) {
    console.error("another process is sweeping right now; try again in a moment");
    process.exitCode = 1;
  } else {
    console.log(
      `sweep ${run.id} ${run.status}: window ${run.windowStart.toISOString()} → ${run.windowEnd.toISOString()}, ` +
        `${run.resources} resources, ${run.metricQueries} metric queries in ${run.cloudCalls} cloud call(s), ` +
        `${run.datapoints} datapoints; findings ${run.findingsOpened} opened, ${run.findingsUpdated} still open, ` +
        `${run.findingsResolved} resolved; recommendations ${run.recommendationsCreated} new, ${run.recommendationsClosed} closed`,
    );
    for (const error of run.errors) console.log(`  error (${error.scope}): ${error.message}`);
    if (run.error) console.error(`failed: ${run.error}`);
    if (run.status === "failed") process.exitCode = 1;
  }
} finally {
  await runtime.close();
}

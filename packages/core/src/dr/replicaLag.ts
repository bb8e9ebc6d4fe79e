import { isCloudError } from "../cloud/cloudErrors.ts";
import type { CloudPort } from "../cloud/cloudPort.ts";

/** How far back to look: RDS publishes ReplicaLag every minute, so ten minutes give a current value and a recent peak. */
export const REPLICA_LAG_WINDOW_MS = 10 * 60_000;

export interface ReplicaLagReading {
  /** The newest one-minute Maximum, in seconds; null without data. */
  latestSeconds: number | null;
  /** The highest one-minute Maximum in the window, in seconds; null without data. */
  peakSeconds: number | null;
  /** When there is no value: why (no datapoints, or what CloudWatch said). */
  reason?: string;
}

/**
 * Reads CloudWatch `AWS/RDS ReplicaLag` of one instance over the last ten
 * minutes. A CloudWatch failure is reported as "no data" rather than thrown:
 * in a disaster the metrics service may be impaired too, and the caller
 * decides what an unknown lag means.
 */
export async function readReplicaLag(cloud: CloudPort, identifier: string, now: Date): Promise<ReplicaLagReading> {
  try {
    const { series } = await cloud.metrics.getMetricData({
      queries: [
        {
          id: "replicaLag",
          namespace: "AWS/RDS",
          metricName: "ReplicaLag",
          dimensions: { DBInstanceIdentifier: identifier },
          period: 60,
          stat: "Maximum",
        },
      ],
      start: new Date(now.getTime() - REPLICA_LAG_WINDOW_MS),
      end: now,
    });
    const points = series[0]?.points ?? [];
    const latest = points.at(-1);
    if (!latest)
      return { latestSeconds: null, peakSeconds: null, reason: "no ReplicaLag datapoints in the last 10 minutes" };
    return { latestSeconds: latest.value, peakSeconds: Math.max(...points.map((p) => p.value)) };
  } catch (error) {
    if (!isCloudError(error)) throw error;
    return { latestSeconds: null, peakSeconds: null, reason: `CloudWatch did not answer: ${error.message}` };
  }
}

// What a person sees on a fresh `npm start`: within minutes of simulated time a memory-pressure
// finding on Fastier's group with a scale-out recommendation, which one call applies and which
// then resolves. Runs the real start script on its own embedded PostgreSQL, at 60× simulated time.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ASG_NAME } from "@fastier/core";
import { startServer } from "./helpers/processes.ts";

const { DATABASE_URL: _ignored, ...baseEnv } = process.env;
let dataDir = "";
after(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Page<T> {
  items: T[];
}
interface FindingJson {
  id: string;
  resourceName: string;
  status: string;
  severity: string;
}
interface RecommendationJson {
  id: string;
  kind: string;
  proposal: Record<string, unknown>;
  status: string;
  closedAt: string | null;
}

describe("npm start: the health loop a person sees", { timeout: 170_000 }, () => {
  it("shows memory pressure on the group with a scale-out, which one call applies and which then resolves", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "fastier-loop-"));
    const server = await startServer({ ...baseEnv, DATA_DIR: dataDir, SIM_TIME_SCALE: "60", LOG_LEVEL: "warn" });
    const key = server.adminKey;
    assert.ok(key);
    const call = async <T>(method: "GET" | "POST", url: string, body?: object) => {
      const response = await fetch(`${server.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body && { "content-type": "application/json" }) },
        ...(body && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as T };
    };
    /** Polls until `found` returns something, at most `seconds` real seconds. */
    const waitFor = async <T>(what: string, seconds: number, found: () => Promise<T | undefined>) => {
      const deadline = Date.now() + seconds * 1000;
      while (Date.now() < deadline) {
        const value = await found();
        if (value !== undefined) return value;
        await sleep(500);
      }
      throw new Error(`timed out waiting for ${what}\n${server.output()}`);
    };
    try {
      const finding = await waitFor("a memory-pressure finding on the group", 30, async () => {
        const { body } = await call<Page<FindingJson>>("GET", "/v1/findings?status=open&rule=memory_pressure");
        return body.items.find((f) => f.resourceName === ASG_NAME);
      });
      const scaleOut = await waitFor("its scale-out recommendation", 10, async () => {
        const { body } = await call<Page<RecommendationJson>>(
          "GET",
          `/v1/recommendations?findingId=${finding.id}&status=open`,
        );
        return body.items.find((r) => r.kind === "scale_out");
      });
      assert.equal(scaleOut.proposal.desiredCapacity, 3);

      const applied = await call<{ operation: { id: string } }>("POST", `/v1/recommendations/${scaleOut.id}/apply`, {});
      assert.equal(applied.status, 202, JSON.stringify(applied.body));
      const operationId = applied.body.operation.id;
      await waitFor("the scale-out to finish", 60, async () => {
        const { body } = await call<{ status: string }>("GET", `/v1/operations/${operationId}`);
        assert.ok(!["failed", "cancelled"].includes(body.status), JSON.stringify(body));
        return body.status === "succeeded" ? body : undefined;
      });
      const resolved = await waitFor("the finding to resolve", 80, async () => {
        const { body } = await call<FindingJson>("GET", `/v1/findings/${finding.id}`);
        return body.status === "resolved" ? body : undefined;
      });
      assert.equal(resolved.status, "resolved");
      const closed = await call<RecommendationJson>("GET", `/v1/recommendations/${scaleOut.id}`);
      assert.equal(closed.body.status, "applied");
      assert.ok(closed.body.closedAt, "the recommendation is closed with its finding");
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

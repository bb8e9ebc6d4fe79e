import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { PRIMARY_DB } from "@fastier/core";
import { createInventoryStore } from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { syncedApp } from "./helpers/syncedApp.ts";
import type { TestApp } from "./helpers/testApp.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PROBLEM_JSON = /^application\/problem\+json/;

interface Point {
  timestamp: string;
  value: number;
}
interface ActivityItem {
  type: string;
  event: string;
  at: string;
  id: string;
  environmentId: string | null;
  resourceId: string | null;
  title: string;
}
interface Overview {
  id: string;
  name: string;
  health: string;
  openFindings: { critical: number; warning: number; info: number };
  openRecommendations: number;
  runningOperations: { id: string; kind: string; status: string; step: string; targetResourceId: string }[];
  memory: {
    resourceId: string;
    name: string;
    instanceType: string | null;
    desiredCapacity: number | null;
    currentPercent: number | null;
    currentAt: string | null;
    peakPercent: number | null;
    peakAt: string | null;
  }[];
}

describe("dashboard backend", () => {
  let t: TestApp;
  let groupId: string;
  let envId: string;
  let stagingId: string;
  let primaryDbId: string;
  let sweepId: string;
  let sweepAt: Date;
  let stagingSyncsAt: Date;
  const stagingSyncIds: string[] = [];
  let operationId: string;
  let beforeSweep: { environments: Overview[]; lastSweep: unknown };
  let viewer: { authorization: string };

  const get = (url: string) => t.app.inject({ method: "GET", url, headers: viewer });
  const dashboard = async () => {
    const response = await get("/v1/dashboard");
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { generatedAt: string; environments: Overview[]; lastSweep: Record<string, unknown> };
  };
  const activity = async (query = "") => {
    const response = await get(`/v1/activity${query ? `?${query}` : ""}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { items: ActivityItem[]; nextBefore: string | null };
  };
  const assertNewestFirst = (items: ActivityItem[]) => {
    for (let i = 1; i < items.length; i += 1) {
      assert.ok(Date.parse(items[i - 1]?.at ?? "") >= Date.parse(items[i]?.at ?? ""), `item ${i} is out of order`);
    }
  };
  const sweep = () => createSweepRunner({ database: t.db, cloud: t.cloud, now: () => t.clock.now() }).sweepOnce("cli");
  /** The stored samples of the group's memory, straight from the table, oldest first. */
  const storedSamples = async (stat: string, from: Date, to: Date) =>
    (
      await t.db.pool.query<{ timestamp: Date; value: number }>(
        `SELECT s."timestamp", s.value FROM metric_samples s JOIN metric_series m ON m.id = s.series_id
          WHERE m.resource_id = $1 AND m.metric = 'mem_used_percent' AND m.stat = $2 AND m.period = 300
            AND s."timestamp" >= $3 AND s."timestamp" < $4 ORDER BY s."timestamp"`,
        [groupId, stat, from, to],
      )
    ).rows;

  before(async () => {
    ({ t, groupId, envId } = await syncedApp());
    viewer = t.auth("viewer");
    const staging = await t.app.inject({
      method: "POST",
      url: "/v1/environments",
      headers: t.auth("operator"),
      payload: { name: "staging", region: "eu-west-1" },
    });
    assert.equal(staging.statusCode, 201, staging.body);
    stagingId = staging.json().id;
    const primary = await createInventoryStore(t.db).findResourceByCloudId(envId, "db_instance", PRIMARY_DB);
    assert.ok(primary);
    primaryDbId = primary.id;
    beforeSweep = await dashboard();

    // 17:30 UTC, just after the daily peak: two t3.medium instances run at about 90% memory.
    t.clock.advance(5 * HOUR + 30 * MINUTE);
    sweepAt = t.clock.now();
    const run = await sweep();
    assert.ok(run);
    assert.equal(run.status, "succeeded");
    sweepId = run.id;

    // Two syncs of staging that failed at the same instant (the API's own runs need a cloud in its region).
    stagingSyncsAt = new Date(sweepAt.getTime() - MINUTE);
    for (const error of ["AccessDenied: not authorized\nsecond line", "AccessDenied: not authorized"]) {
      const failed = await t.db.prisma.syncRun.create({
        data: {
          environmentId: stagingId,
          trigger: "api",
          status: "FAILED",
          startedAt: new Date(stagingSyncsAt.getTime() - MINUTE),
          finishedAt: stagingSyncsAt,
          error,
        },
      });
      stagingSyncIds.push(failed.id);
    }
  });
  after(() => t?.close());

  describe("GET /v1/dashboard", () => {
    it("shows every environment healthy, without memory numbers or sweeps, before any sweep", () => {
      assert.deepEqual(
        beforeSweep.environments.map((env) => [env.name, env.health, env.openFindings.warning]),
        [
          ["production", "healthy", 0],
          ["staging", "healthy", 0],
        ],
      );
      const production = beforeSweep.environments[0] as Overview;
      assert.equal(production.memory.length, 1);
      assert.equal(production.memory[0]?.resourceId, groupId);
      assert.equal(production.memory[0]?.currentPercent, null);
      assert.equal(production.memory[0]?.peakPercent, null);
      assert.equal(beforeSweep.lastSweep, null);
    });

    it("shows production as warning after a peak sweep, with its memory headline and the sweep", async () => {
      const body = await dashboard();
      assert.equal(body.generatedAt, sweepAt.toISOString());
      const production = body.environments.find((env) => env.id === envId);
      assert.ok(production);
      assert.equal(production.health, "warning");
      assert.deepEqual(production.openFindings, { critical: 0, warning: 3, info: 0 });
      const openRecommendations = await t.db.prisma.recommendation.count({
        where: { environmentId: envId, status: "OPEN", closedAt: null },
      });
      assert.ok(openRecommendations > 0);
      assert.equal(production.openRecommendations, openRecommendations);

      assert.equal(production.memory.length, 1);
      const headline = production.memory[0];
      assert.ok(headline);
      assert.equal(headline.resourceId, groupId);
      assert.match(headline.name, /^awseb-/);
      assert.equal(headline.instanceType, "t3.medium");
      assert.equal(headline.desiredCapacity, 2);
      const samples = await storedSamples("Maximum", new Date(sweepAt.getTime() - 24 * HOUR), sweepAt);
      assert.equal(samples.length, 12);
      const latest = samples[samples.length - 1];
      assert.ok(latest);
      assert.equal(headline.currentAt, latest.timestamp.toISOString());
      assert.equal(headline.currentPercent, latest.value);
      assert.ok((headline.currentPercent ?? 0) >= 85, `current ${headline.currentPercent}`);
      assert.equal(headline.peakPercent, Math.max(...samples.map((s) => s.value)));
      assert.ok((headline.peakPercent ?? 0) >= (headline.currentPercent ?? Infinity));

      assert.deepEqual(body.lastSweep, {
        id: sweepId,
        status: "succeeded",
        startedAt: sweepAt.toISOString(),
        finishedAt: sweepAt.toISOString(),
      });
      const staging = body.environments.find((env) => env.id === stagingId);
      assert.deepEqual(
        { health: staging?.health, findings: staging?.openFindings, memory: staging?.memory },
        { health: "healthy", findings: { critical: 0, warning: 0, info: 0 }, memory: [] },
      );
    });

    it("lists a pending scale operation under its environment's running operations", async () => {
      const before = await dashboard();
      assert.deepEqual(before.environments.find((env) => env.id === envId)?.runningOperations, []);
      const scale = await t.app.inject({
        method: "POST",
        url: `/v1/resources/${groupId}/scale`,
        headers: t.auth("operator"),
        payload: { desiredCapacity: 3 },
      });
      assert.equal(scale.statusCode, 202, scale.body);
      operationId = scale.json().id;

      const body = await dashboard();
      const running = body.environments.find((env) => env.id === envId)?.runningOperations;
      assert.equal(running?.length, 1);
      assert.deepEqual(
        { ...running?.[0], step: undefined },
        {
          id: operationId,
          kind: "scale",
          status: "pending",
          step: undefined,
          targetResourceId: groupId,
          createdAt: scale.json().createdAt,
        },
      );
      assert.equal(typeof running?.[0]?.step, "string");
      assert.deepEqual(body.environments.find((env) => env.id === stagingId)?.runningOperations, []);
    });

    it("counts info findings without calling an environment unhealthy; a critical one makes it critical", async () => {
      const resource = await t.app.inject({
        method: "POST",
        url: "/v1/resources",
        headers: t.auth("operator"),
        payload: {
          environmentId: stagingId,
          kind: "load_balancer",
          name: "staging-alb",
          cloudId: "arn:aws:elb:staging",
        },
      });
      assert.equal(resource.statusCode, 201, resource.body);
      const finding = (ruleId: string, severity: "INFO" | "CRITICAL") =>
        t.db.prisma.finding.create({
          data: {
            environmentId: stagingId,
            resourceId: resource.json().id,
            ruleId,
            severity,
            summary: "test",
            openedAt: sweepAt,
            lastSeenAt: sweepAt,
          },
        });
      const staging = async () => (await dashboard()).environments.find((env) => env.id === stagingId);
      try {
        await finding("db_no_read_replica", "INFO");
        assert.deepEqual(
          { health: (await staging())?.health, findings: (await staging())?.openFindings },
          { health: "healthy", findings: { critical: 0, warning: 0, info: 1 } },
        );
        await finding("db_no_multi_az", "CRITICAL");
        assert.deepEqual(
          { health: (await staging())?.health, findings: (await staging())?.openFindings },
          { health: "critical", findings: { critical: 1, warning: 0, info: 1 } },
        );
        assert.equal((await dashboard()).environments.find((env) => env.id === envId)?.health, "warning");
      } finally {
        await t.db.prisma.finding.deleteMany({ where: { environmentId: stagingId } });
      }
    });

    it("needs a key", async () => {
      const response = await t.app.inject({ method: "GET", url: "/v1/dashboard" });
      assert.equal(response.statusCode, 401);
    });
  });

  describe("GET /v1/resources/{id}/metrics", () => {
    const hourAgo = () => new Date(sweepAt.getTime() - HOUR).toISOString();
    const metrics = (query: string, id = groupId) => get(`/v1/resources/${id}/metrics?${query}`);

    it("answers the stored 5-minute maxima of the last hour as 12 points, oldest first", async () => {
      const response = await metrics(`name=mem_used_percent&from=${hourAgo()}&to=${sweepAt.toISOString()}`);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.deepEqual(
        { resourceId: body.resourceId, metric: body.metric, stat: body.stat, period: body.period },
        { resourceId: groupId, metric: "mem_used_percent", stat: "Maximum", period: 300 },
      );
      assert.equal(body.from, hourAgo());
      assert.equal(body.to, sweepAt.toISOString());
      const samples = await storedSamples("Maximum", new Date(hourAgo()), sweepAt);
      assert.equal(body.points.length, 12);
      assert.deepEqual(
        body.points,
        samples.map((s) => ({ timestamp: s.timestamp.toISOString(), value: s.value })),
      );
      const times = body.points.map((p: Point) => Date.parse(p.timestamp));
      assert.ok(times.every((time: number, i: number) => i === 0 || time - (times[i - 1] as number) === 5 * MINUTE));
    });

    it("aggregates into 10-minute buckets: the maximum of each pair", async () => {
      const range = `from=${hourAgo()}&to=${sweepAt.toISOString()}`;
      const fine = (await metrics(`name=mem_used_percent&${range}`)).json().points as Point[];
      const response = await metrics(`name=mem_used_percent&${range}&period=600`);
      assert.equal(response.statusCode, 200, response.body);
      const coarse = response.json().points as Point[];
      assert.equal(response.json().period, 600);
      assert.equal(coarse.length, 6);
      coarse.forEach((point, i) => {
        const pair = fine.slice(2 * i, 2 * i + 2);
        assert.equal(point.timestamp, pair[0]?.timestamp);
        assert.equal(point.value, Math.max(...pair.map((p) => p.value)));
      });
      assert.ok(
        coarse.some((point, i) => point.value !== fine[2 * i]?.value || point.value !== fine[2 * i + 1]?.value),
      );
    });

    it("reads the Average series when asked, which sits below the Maximum", async () => {
      const range = `from=${hourAgo()}&to=${sweepAt.toISOString()}`;
      const maximum = (await metrics(`name=mem_used_percent&${range}`)).json().points as Point[];
      const response = await metrics(`name=mem_used_percent&stat=Average&${range}`);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().stat, "Average");
      const average = response.json().points as Point[];
      assert.equal(average.length, 12);
      assert.notDeepEqual(average, maximum);
      average.forEach((point, i) => {
        assert.ok(point.value <= (maximum[i]?.value ?? -1), `${point.value} > ${maximum[i]?.value}`);
      });
      const averaged = (await metrics(`name=mem_used_percent&stat=Average&${range}&period=600`)).json().points;
      assert.ok(Math.abs(averaged[0].value - ((average[0]?.value ?? 0) + (average[1]?.value ?? 0)) / 2) < 1e-9);
    });

    it("defaults to the 24 hours before now, and to the Minimum of FreeableMemory", async () => {
      const response = await metrics("name=FreeableMemory", primaryDbId);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.stat, "Minimum");
      assert.equal(body.period, 300);
      assert.equal(body.to, sweepAt.toISOString());
      assert.equal(body.from, new Date(sweepAt.getTime() - 24 * HOUR).toISOString());
      assert.equal(body.points.length, 12);
      assert.ok(
        body.points.every((p: Point) => p.value > 1024 ** 2),
        "FreeableMemory is in bytes",
      );
    });

    it("answers 404 for a resource that does not exist", async () => {
      const response = await metrics("name=mem_used_percent", randomUUID());
      assert.equal(response.statusCode, 404);
      assert.match(String(response.headers["content-type"]), PROBLEM_JSON);
      assert.equal(response.json().code, "resource_not_found");
    });

    const far = (days: number) => new Date(Date.parse("2026-11-25T17:30:00Z") - days * 24 * HOUR).toISOString();
    const badInput: [string, string, string, string?][] = [
      ["an unknown metric", "name=mem_free_percent", "/name"],
      ["no metric", "stat=Maximum", "/name"],
      ["a metric not stored for the kind", "name=FreeableMemory", "/name", "metric_kind"],
      ["a statistic not stored", "name=mem_used_percent&stat=Minimum", "/stat", "stat"],
      ["an unknown statistic", "name=mem_used_percent&stat=p99", "/stat"],
      ["from after to", `name=mem_used_percent&from=${far(0)}&to=${far(1)}`, "/from", "range"],
      ["from equal to to", `name=mem_used_percent&from=${far(1)}&to=${far(1)}`, "/from", "range"],
      ["a range over 14 days", `name=mem_used_percent&from=${far(15)}&to=${far(0)}&period=3600`, "/from", "maxRange"],
      ["a period that is not whole minutes", "name=mem_used_percent&period=90", "/period", "multipleOf"],
      ["a period under a minute", "name=mem_used_percent&period=30", "/period"],
      ["a period finer than the stored samples", "name=mem_used_percent&period=60", "/period", "minimum"],
      [
        "more than 2,000 points",
        `name=mem_used_percent&from=${far(14)}&to=${far(0)}&period=300`,
        "/period",
        "maxPoints",
      ],
      ["a malformed from", "name=mem_used_percent&from=yesterday", "/from", "format"],
      ["an impossible to", "name=mem_used_percent&to=2026-02-30T00:00:00Z", "/to", "format"],
      ["an unknown parameter", "name=mem_used_percent&step=60", "/step"],
    ];
    for (const [what, query, field, rule] of badInput) {
      it(`refuses ${what} with 400 naming ${field}`, async () => {
        const response = await metrics(query);
        assert.equal(response.statusCode, 400, response.body);
        assert.match(String(response.headers["content-type"]), PROBLEM_JSON);
        const errors = response.json().errors as { field: string; rule: string; in: string }[];
        const named = errors.find((error) => error.field === field);
        assert.ok(named, `${field} not named in ${JSON.stringify(errors)}`);
        assert.equal(named.in, "querystring");
        if (rule) assert.equal(named.rule, rule);
      });
    }

    it("accepts the largest range and point count allowed", async () => {
      const response = await metrics(`name=mem_used_percent&from=${far(14)}&to=${far(0)}&period=660`);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().points.length, 6);
    });
  });

  describe("GET /v1/activity", () => {
    it("lists the findings the sweep opened, the sweep, the sync and the scale request, newest first", async () => {
      const { items, nextBefore } = await activity();
      assert.equal(nextBefore, null);
      assertNewestFirst(items);
      const opened = items.filter((item) => item.event === "finding.opened");
      assert.equal(opened.length, 3);
      const findings = await t.db.prisma.finding.findMany({ include: { resource: true } });
      assert.deepEqual(opened.map((item) => item.id).sort(), findings.map((f) => f.id).sort());
      for (const item of opened) {
        const finding = findings.find((f) => f.id === item.id);
        assert.equal(item.at, sweepAt.toISOString());
        assert.equal(item.type, "finding");
        assert.equal(item.environmentId, envId);
        assert.equal(item.resourceId, finding?.resourceId);
        assert.equal(item.title, `memory_pressure (warning) opened on ${finding?.resource.name}`);
      }
      const scale = items.find((item) => item.event === "operation.created");
      assert.deepEqual(
        { id: scale?.id, type: scale?.type, resourceId: scale?.resourceId, environmentId: scale?.environmentId },
        { id: operationId, type: "operation", resourceId: groupId, environmentId: envId },
      );
      assert.match(scale?.title ?? "", /^scale on awseb-e-fastier-prod-AWSEBAutoScalingGroup: requested by operator$/);
      const sweepItem = items.find((item) => item.type === "sweep");
      assert.deepEqual(
        { id: sweepItem?.id, event: sweepItem?.event, environmentId: sweepItem?.environmentId },
        { id: sweepId, event: "sweep.succeeded", environmentId: null },
      );
      assert.match(sweepItem?.title ?? "", /3 findings opened, 0 resolved/);
      const sync = items.find((item) => item.type === "sync" && item.environmentId === envId);
      assert.equal(sync?.event, "sync.succeeded");
      assert.match(sync?.title ?? "", /^sync of production: succeeded \(\d+ new, 0 changed, 0 gone\)$/);
    });

    it("pages with before at every page size, skipping nothing when one instant holds several entries", async () => {
      // Several entries share the sweep's instant (its findings, the sweep, the scale request) and the staging syncs' instant.
      const { items: all } = await activity("limit=200");
      assert.ok(all.length >= 8, `only ${all.length} entries`);
      const sizes: number[][] = [];
      for (let limit = 1; limit <= all.length; limit += 1) {
        const paged: ActivityItem[] = [];
        const pageSizes: number[] = [];
        let before: string | null = null;
        do {
          const page = await activity(`limit=${limit}${before ? `&before=${before}` : ""}`);
          if (before) {
            for (const item of page.items) assert.ok(Date.parse(item.at) < Date.parse(before as string));
          }
          assert.ok(page.items.length > 0, `limit ${limit}: an empty page`);
          paged.push(...page.items);
          pageSizes.push(page.items.length);
          before = page.nextBefore;
          if (before) assert.equal(before, page.items[page.items.length - 1]?.at);
        } while (before && pageSizes.length < 50);
        assert.deepEqual(
          paged.map((item) => `${item.event} ${item.id}`),
          all.map((item) => `${item.event} ${item.id}`),
          `limit ${limit}`,
        );
        sizes.push(pageSizes);
      }
      // limit 1: the newest instant (the sweep, its findings and the scale request) comes whole.
      const newestInstant = all.filter((item) => item.at === all[0]?.at).length;
      assert.ok(newestInstant >= 4, `${newestInstant} entries at the newest instant`);
      assert.equal(sizes[0]?.[0], newestInstant);
      assert.equal(sizes[all.length - 1]?.length, 1);
    });

    it("answers only entries strictly older than before", async () => {
      const { items } = await activity(`before=${sweepAt.toISOString()}`);
      assert.ok(items.length > 0);
      assert.ok(items.every((item) => Date.parse(item.at) < sweepAt.getTime()));
      assert.ok(!items.some((item) => item.event === "finding.opened"));
    });

    it("filters by environment, leaving out sweeps", async () => {
      const staging = await activity(`environmentId=${stagingId}`);
      assert.deepEqual(
        staging.items,
        [...stagingSyncIds]
          .sort()
          .reverse()
          .map((id) => ({
            type: "sync",
            event: "sync.failed",
            at: stagingSyncsAt.toISOString(),
            id,
            environmentId: stagingId,
            resourceId: null,
            title: "sync of staging: failed (AccessDenied: not authorized)",
          })),
      );
      const production = await activity(`environmentId=${envId}`);
      assert.ok(production.items.length >= 5);
      assert.ok(production.items.every((item) => item.environmentId === envId));
      assert.ok(!production.items.some((item) => item.type === "sweep"));
      const everything = await activity();
      assert.ok(stagingSyncIds.every((id) => everything.items.some((item) => item.id === id)));
      assert.ok(everything.items.some((item) => item.type === "sweep"));
    });

    for (const [what, query, field] of [
      ["a malformed before", "before=last-tuesday", "/before"],
      ["a limit over 200", "limit=201", "/limit"],
      ["a limit of 0", "limit=0", "/limit"],
      ["an environment id that is not a UUID", "environmentId=production", "/environmentId"],
    ] as const) {
      it(`refuses ${what} with 400 naming ${field}`, async () => {
        const response = await get(`/v1/activity?${query}`);
        assert.equal(response.statusCode, 400, response.body);
        assert.match(String(response.headers["content-type"]), PROBLEM_JSON);
        assert.ok(
          response.json().errors.some((error: { field: string }) => error.field === field),
          response.body,
        );
      });
    }
  });

  describe("later in the day", () => {
    it("shows the peak above the current value, and the scale-out and resolved findings as activity", async () => {
      await reconcileToEnd(t, operationId);
      // 23:30 UTC: well after the peak, and with three instances.
      t.clock.advance(6 * HOUR - (t.clock.now().getTime() - sweepAt.getTime()));
      const later = t.clock.now();
      assert.equal(later.toISOString(), "2026-11-25T23:30:00.000Z");
      const run = await sweep();
      assert.ok(run);

      const body = await dashboard();
      const production = body.environments.find((env) => env.id === envId);
      const headline = production?.memory[0];
      assert.ok(headline?.currentPercent && headline.peakPercent && headline.currentAt && headline.peakAt);
      assert.equal(headline.desiredCapacity, 3);
      assert.ok(headline.currentPercent < headline.peakPercent, `${headline.currentPercent} ≥ ${headline.peakPercent}`);
      assert.ok(Date.parse(headline.peakAt) < sweepAt.getTime());
      assert.equal(Date.parse(headline.currentAt), later.getTime() - 5 * MINUTE);
      const samples = await storedSamples("Maximum", new Date(later.getTime() - 24 * HOUR), later);
      assert.equal(headline.peakPercent, Math.max(...samples.map((s) => s.value)));
      assert.deepEqual(body.lastSweep.id, run.id);

      const { items } = await activity();
      const succeeded = items.find((item) => item.event === "operation.succeeded");
      assert.equal(succeeded?.id, operationId);
      assert.equal(succeeded?.title, "scale on awseb-e-fastier-prod-AWSEBAutoScalingGroup: succeeded");
      assert.equal(production?.health, "healthy");
      assert.deepEqual(production?.openFindings, { critical: 0, warning: 0, info: 0 });
      const resolved = items.filter((item) => item.event === "finding.resolved");
      assert.equal(resolved.length, 3);
      for (const item of resolved) {
        assert.equal(item.at, later.toISOString());
        assert.match(item.title, /^memory_pressure \(warning\) resolved on /);
      }
      const sweepItem = items.find((item) => item.id === run.id);
      assert.equal(sweepItem?.title, "health sweep (cli): succeeded, 0 findings opened, 3 resolved");
      assertNewestFirst(items);
    });
  });
});

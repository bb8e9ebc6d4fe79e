import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ASG_NAME, type Role } from "@fastier/core";
import { LOCK_KEYS, withTryAdvisoryLock } from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import type { LightMyRequestResponse } from "fastify";
import { reconcileToEnd } from "./helpers/reconcile.ts";
import { syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";
import type { TestApp } from "./helpers/testApp.ts";

/** From the 12:00 start to 17:30, when the simulated group is at ~90% memory. */
const TO_PEAK_MS = 5.5 * 3600_000;
const PROBLEM_JSON = /^application\/problem\+json/;

interface FindingJson {
  id: string;
  environmentId: string;
  resourceId: string;
  resourceName: string;
  ruleId: string;
  severity: string;
  status: string;
  summary: string;
  evidence: { metric: string; unit: string; timestamp: string; value: number }[];
  openedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  recommendations?: RecommendationJson[];
}

interface RecommendationJson {
  id: string;
  resourceId: string;
  findingId: string;
  kind: string;
  status: string;
  proposal: Record<string, unknown>;
  options: { instanceType: string }[];
  apply: { operationKind: string; params: Record<string, unknown> } | null;
  createdAt: string;
  closedAt: string | null;
  appliedOperationId: string | null;
  appliedAt: string | null;
  appliedBy: string | null;
  dismissedAt: string | null;
  dismissedBy: string | null;
  dismissReason: string | null;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function get(t: TestApp, url: string, role: Role = "viewer") {
  return t.app.inject({ method: "GET", url, headers: t.auth(role) });
}

function post(
  t: TestApp,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
  role: Role = "operator",
) {
  return t.app.inject({
    method: "POST",
    url,
    headers: { ...t.auth(role), ...headers },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
}

async function page<T>(t: TestApp, url: string): Promise<Page<T>> {
  const response = await get(t, url);
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  return response.json() as Page<T>;
}

/** Every item of a list, following nextCursor page by page. */
async function allPages<T>(t: TestApp, url: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = url.includes("?") ? "&" : "?";
    const body: Page<T> = await page<T>(
      t,
      `${url}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    assert.ok(body.items.length <= limit, `a page of ${body.items.length} items with limit ${limit}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    pages++;
    assert.ok(pages < 50, "pagination does not end");
  } while (cursor);
  return { items, pages };
}

function assertProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers["content-type"]), PROBLEM_JSON);
  const body = response.json();
  assert.equal(body.status, status);
  assert.equal(body.code, code, response.body);
  return body as Record<string, unknown> & { detail: string; errors?: { in: string; field: string }[] };
}

function assertBadField(
  response: LightMyRequestResponse,
  field: string,
  where = "querystring",
  code = "validation_failed",
) {
  const body = assertProblem(response, 400, code);
  assert.ok(
    body.errors?.some((error) => error.field === field && error.in === where),
    `no error names ${where} ${field}: ${JSON.stringify(body.errors)}`,
  );
}

/** A synced app at the daily peak, swept once: memory_pressure open on the group and its two instances. */
async function peakApp() {
  const synced = await syncedApp();
  synced.t.clock.advance(TO_PEAK_MS);
  await syncFromCloud(synced.t, synced.envId);
  const run = await createSweepRunner({
    database: synced.t.db,
    cloud: synced.t.cloud,
    now: () => synced.t.clock.now(),
  }).sweepOnce("cli");
  assert.ok(run, "the sweep lock was taken");
  assert.equal(run.status, "succeeded", JSON.stringify(run.errors));
  return { ...synced, run };
}

async function recommendationsOfGroup(t: TestApp, groupId: string) {
  const { items } = await page<RecommendationJson>(t, `/v1/recommendations?resourceId=${groupId}`);
  const scaleOut = items.find((item) => item.kind === "scale_out");
  const rightsize = items.find((item) => item.kind === "rightsize_instance_type");
  assert.ok(scaleOut, `no scale_out among ${items.map((item) => item.kind).join(", ")}`);
  assert.ok(rightsize, `no rightsize_instance_type among ${items.map((item) => item.kind).join(", ")}`);
  return { items, scaleOut, rightsize };
}

describe("findings API", () => {
  let t: TestApp;
  let envId: string;
  let groupId: string;
  let resolvedId: string;
  let openedAt: Date;
  before(async () => {
    ({ t, envId, groupId } = await peakApp());
    openedAt = t.clock.now();
    // An older, resolved finding on the primary database, to filter and order against.
    const database = await t.db.prisma.resource.findFirstOrThrow({
      where: { kind: "DB_INSTANCE", environmentId: envId },
    });
    const resolved = await t.db.prisma.finding.create({
      data: {
        environmentId: envId,
        resourceId: database.id,
        ruleId: "db_no_multi_az",
        severity: "INFO",
        status: "RESOLVED",
        summary: `${database.name} is Single-AZ`,
        evidence: [{ metric: "MultiAZ", unit: "Boolean", timestamp: "2026-11-24T12:00:00.000Z", value: 0 }],
        openedAt: new Date("2026-11-24T12:00:00Z"),
        lastSeenAt: new Date("2026-11-24T13:00:00Z"),
        resolvedAt: new Date("2026-11-24T13:05:00Z"),
        resolution: "Multi-AZ enabled",
      },
    });
    resolvedId = resolved.id;
  });
  after(() => t.close());

  it("lists the peak's open memory_pressure findings on the group and both instances, newest first", async () => {
    const { items, nextCursor } = await page<FindingJson>(t, "/v1/findings");
    assert.equal(nextCursor, null);
    assert.equal(items.length, 4);
    const open = items.filter((item) => item.status === "open");
    assert.equal(open.length, 3);
    assert.ok(open.every((item) => item.ruleId === "memory_pressure" && item.severity === "warning"));
    assert.ok(open.every((item) => item.openedAt === openedAt.toISOString() && item.resolvedAt === null));
    assert.ok(open.every((item) => item.environmentId === envId));
    const group = open.find((item) => item.resourceId === groupId);
    assert.ok(group, "no finding on the group");
    assert.equal(group.resourceName, ASG_NAME);
    assert.match(group.summary, /85%/);
    assert.ok(group.evidence.length > 0);
    assert.ok(
      group.evidence.some(
        (point) => point.metric === "mem_used_percent" && point.unit === "Percent" && point.value > 85,
      ),
      JSON.stringify(group.evidence),
    );
    const instances = await t.db.prisma.resource.findMany({ where: { kind: "INSTANCE", environmentId: envId } });
    assert.equal(instances.length, 2);
    assert.deepEqual(
      open
        .filter((item) => item.resourceId !== groupId)
        .map((item) => item.resourceName)
        .sort(),
      instances.map((instance) => instance.name).sort(),
    );
    // The resolved one was opened a day earlier: last.
    assert.equal(items.at(-1)?.id, resolvedId);
    assert.equal(items.at(-1)?.resolution, "Multi-AZ enabled");
  });

  it("filters by status, severity, rule, environment and resource", async () => {
    const ids = async (query: string) => (await page<FindingJson>(t, `/v1/findings?${query}`)).items.map((i) => i.id);
    const openIds = await ids("status=open");
    assert.equal(openIds.length, 3);
    assert.ok(!openIds.includes(resolvedId));
    assert.deepEqual(await ids("status=resolved"), [resolvedId]);
    assert.deepEqual(await ids("severity=info"), [resolvedId]);
    assert.deepEqual((await ids("severity=warning")).sort(), [...openIds].sort());
    assert.deepEqual(await ids("severity=critical"), []);
    assert.deepEqual(await ids("rule=db_no_multi_az"), [resolvedId]);
    assert.deepEqual((await ids("rule=memory_pressure")).sort(), [...openIds].sort());
    assert.equal((await ids(`environmentId=${envId}`)).length, 4);
    assert.deepEqual(await ids(`environmentId=${randomUUID()}`), []);
    const onGroup = await page<FindingJson>(t, `/v1/findings?resourceId=${groupId}`);
    assert.equal(onGroup.items.length, 1);
    assert.equal(onGroup.items[0]?.resourceId, groupId);
    assert.deepEqual(await ids(`resourceId=${groupId}&status=resolved`), []);
  });

  it("pages through every finding with the cursor, once each, in the order of the full list", async () => {
    const full = await page<FindingJson>(t, "/v1/findings");
    const { items, pages } = await allPages<FindingJson>(t, "/v1/findings", 1);
    assert.equal(pages, 4);
    assert.deepEqual(
      items.map((item) => item.id),
      full.items.map((item) => item.id),
    );
    const twoAtATime = await allPages<FindingJson>(t, "/v1/findings?status=open", 2);
    assert.equal(twoAtATime.pages, 2);
    assert.equal(new Set(twoAtATime.items.map((item) => item.id)).size, 3);
  });

  it("answers 400 problem+json naming the field for bad filters and cursors", async () => {
    assertBadField(await get(t, "/v1/findings?status=closed"), "/status");
    assertBadField(await get(t, "/v1/findings?severity=high"), "/severity");
    assertBadField(await get(t, "/v1/findings?rule=cpu_high"), "/rule");
    assertBadField(await get(t, "/v1/findings?resourceId=not-a-uuid"), "/resourceId");
    assertBadField(await get(t, "/v1/findings?environmentId=42"), "/environmentId");
    assertBadField(await get(t, "/v1/findings?limit=0"), "/limit");
    assertBadField(await get(t, "/v1/findings?limit=201"), "/limit");
    assertBadField(await get(t, "/v1/findings?ruleId=memory_pressure"), "/ruleId");
    assertBadField(await get(t, "/v1/findings?cursor=bm90LWEtY3Vyc29y"), "/cursor", "querystring", "invalid_cursor");
    // A cursor of another list (sorted by another field) is refused too.
    const { nextCursor: recommendationCursor } = await page<unknown>(t, "/v1/recommendations?limit=1");
    assert.ok(recommendationCursor, "the recommendations list has a single page");
    assertBadField(
      await get(t, `/v1/findings?cursor=${recommendationCursor}`),
      "/cursor",
      "querystring",
      "invalid_cursor",
    );
  });

  it("shows a finding with its recommendations, newest first", async () => {
    const [group] = (await page<FindingJson>(t, `/v1/findings?resourceId=${groupId}`)).items;
    assert.ok(group);
    const response = await get(t, `/v1/findings/${group.id}`);
    assert.equal(response.statusCode, 200, response.body);
    const finding = response.json() as FindingJson;
    assert.equal(finding.id, group.id);
    assert.equal(finding.resourceName, ASG_NAME);
    assert.deepEqual({ ...finding, recommendations: undefined }, { ...group, recommendations: undefined });
    const recommendations = finding.recommendations ?? [];
    const kinds = recommendations.map((r) => r.kind);
    assert.ok(kinds.includes("scale_out"), kinds.join(", "));
    assert.ok(kinds.includes("rightsize_instance_type"), kinds.join(", "));
    assert.ok(recommendations.every((r) => r.findingId === group.id && r.resourceId === groupId));
    const listed = await page<RecommendationJson>(t, `/v1/recommendations?findingId=${group.id}`);
    assert.deepEqual(
      recommendations.map((r) => r.id),
      listed.items.map((r) => r.id),
    );
    const times = recommendations.map((r) => Date.parse(r.createdAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    const resolved = (await get(t, `/v1/findings/${resolvedId}`)).json() as FindingJson;
    assert.equal(resolved.status, "resolved");
    assert.deepEqual(resolved.recommendations, []);
  });

  it("answers 404 for a finding that does not exist and 400 for an id that is not a UUID", async () => {
    assertProblem(await get(t, `/v1/findings/${randomUUID()}`), 404, "finding_not_found");
    assertBadField(await get(t, "/v1/findings/123"), "/id", "params");
  });
});

describe("recommendations API: list, apply, dismiss", () => {
  let t: TestApp;
  let groupId: string;
  let scaleOut: RecommendationJson;
  let rightsize: RecommendationJson;
  let all: RecommendationJson[];
  let operationId: string;
  before(async () => {
    ({ t, groupId } = await peakApp());
    ({ scaleOut, rightsize, items: all } = await recommendationsOfGroup(t, groupId));
  });
  after(() => t.close());

  it("lists the peak's recommendations with their numbers and how to apply them", async () => {
    assert.equal(scaleOut.status, "open");
    assert.equal(scaleOut.closedAt, null);
    assert.deepEqual(scaleOut.proposal, { desiredCapacity: 3 });
    assert.deepEqual(scaleOut.apply, { operationKind: "scale", params: { desiredCapacity: 3 } });
    assert.deepEqual(rightsize.apply, {
      operationKind: "change_instance_type",
      params: { instanceType: rightsize.proposal.instanceType },
    });
    assert.ok(rightsize.options.length > 0);
    assert.equal(rightsize.proposal.instanceType, rightsize.options[0]?.instanceType);
    const one = await get(t, `/v1/recommendations/${scaleOut.id}`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), scaleOut);
    assertProblem(await get(t, `/v1/recommendations/${randomUUID()}`), 404, "recommendation_not_found");
  });

  it("filters by kind, status, finding, resource and current, and pages with the cursor", async () => {
    const ids = async (query: string) =>
      (await page<RecommendationJson>(t, `/v1/recommendations?${query}`)).items.map((i) => i.id);
    assert.deepEqual(await ids("kind=scale_out"), [scaleOut.id]);
    assert.deepEqual(await ids("kind=rightsize_instance_type"), [rightsize.id]);
    assert.deepEqual(await ids("kind=enable_multi_az"), []);
    assert.equal((await ids("status=open")).length, all.length);
    assert.deepEqual(await ids("status=applied"), []);
    assert.equal((await ids(`findingId=${scaleOut.findingId}`)).length, all.length);
    assert.deepEqual(await ids(`findingId=${randomUUID()}`), []);
    assert.deepEqual(await ids(`resourceId=${randomUUID()}`), []);
    assert.equal((await ids("current=true")).length, all.length);
    assert.deepEqual(await ids("current=false"), []);
    assert.deepEqual(await ids(`kind=scale_out&environmentId=${randomUUID()}`), []);
    const { items, pages } = await allPages<RecommendationJson>(t, "/v1/recommendations", 1);
    assert.equal(pages, all.length);
    assert.deepEqual(
      items.map((item) => item.id),
      all.map((item) => item.id),
    );
    assertBadField(await get(t, "/v1/recommendations?kind=buy_more_ram"), "/kind");
    assertBadField(await get(t, "/v1/recommendations?status=closed"), "/status");
    assertBadField(await get(t, "/v1/recommendations?current=maybe"), "/current");
    assertBadField(await get(t, "/v1/recommendations?findingId=nope"), "/findingId");
    assertProblem(await get(t, "/v1/recommendations?cursor=%5B%5D"), 400, "invalid_cursor");
  });

  it("answers a dry run with the plan and changes nothing", async () => {
    const auditBefore = await t.db.prisma.auditEvent.count();
    const response = await post(t, `/v1/recommendations/${scaleOut.id}/apply`, { dryRun: true });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.dryRun, true);
    assert.equal(body.recommendation.id, scaleOut.id);
    assert.ok(
      body.plan.changes.some(
        (change: { field: string; from: unknown; to: unknown }) =>
          change.field === "desiredCapacity" && change.from === 2 && change.to === 3,
      ),
      JSON.stringify(body.plan),
    );
    assert.equal((await page<unknown>(t, "/v1/operations")).items.length, 0);
    assert.equal(await t.db.prisma.auditEvent.count(), auditBefore);
    const after = (await get(t, `/v1/recommendations/${scaleOut.id}`)).json() as RecommendationJson;
    assert.equal(after.status, "open");
    assert.equal(after.appliedOperationId, null);
  });

  it("dry-runs the rightsize recommendation as a change_instance_type plan, and leaves it open", async () => {
    const response = await post(t, `/v1/recommendations/${rightsize.id}/apply`, { dryRun: true });
    assert.equal(response.statusCode, 200, response.body);
    const { plan } = response.json();
    assert.ok(
      plan.changes.some(
        (change: { field: string; from: unknown; to: unknown }) =>
          change.field === "instanceType" &&
          change.from === "t3.medium" &&
          change.to === rightsize.proposal.instanceType,
      ),
      JSON.stringify(plan),
    );
    assert.equal((await get(t, `/v1/recommendations/${rightsize.id}`)).json().status, "open");
    assert.equal((await page<unknown>(t, "/v1/operations")).items.length, 0);
  });

  it("applies scale_out: 202 with a scale operation to 3, and the recommendation marked applied", async () => {
    const response = await post(t, `/v1/recommendations/${scaleOut.id}/apply`, undefined, {
      "idempotency-key": "apply-scale-out-1",
    });
    assert.equal(response.statusCode, 202, response.body);
    const { operation, recommendation } = response.json();
    operationId = operation.id;
    assert.equal(response.headers.location, `/v1/operations/${operation.id}`);
    assert.equal(response.headers["idempotent-replayed"], undefined);
    assert.equal(operation.kind, "scale");
    assert.equal(operation.status, "pending");
    assert.equal(operation.targetResourceId, groupId);
    assert.deepEqual(operation.params, { desiredCapacity: 3 });
    assert.equal(operation.idempotencyKey, "apply-scale-out-1");
    assert.equal(operation.requestedByName, "operator");
    assert.equal(recommendation.id, scaleOut.id);
    assert.equal(recommendation.status, "applied");
    assert.equal(recommendation.appliedOperationId, operation.id);
    assert.equal(recommendation.appliedBy, "operator");
    assert.equal(recommendation.appliedAt, t.clock.now().toISOString());
    assert.equal(recommendation.closedAt, null, "an applied recommendation stays current while its finding is open");
    assert.deepEqual((await get(t, `/v1/recommendations/${scaleOut.id}`)).json(), recommendation);
    assert.deepEqual(await pageIds(t, "/v1/recommendations?status=applied"), [scaleOut.id]);
    const audit = await page<{ action: string; actorName: string; after: Record<string, unknown> }>(
      t,
      `/v1/audit-events?targetType=recommendation&targetId=${scaleOut.id}`,
    );
    assert.deepEqual(
      audit.items.map((event) => [event.action, event.actorName, event.after.operationId]),
      [["recommendation.apply", "operator", operation.id]],
    );
  });

  it("refuses a second apply with 409 naming the status and the operation, and requests nothing", async () => {
    for (const payload of [{}, { dryRun: true }]) {
      const body = assertProblem(
        await post(t, `/v1/recommendations/${scaleOut.id}/apply`, payload),
        409,
        "recommendation_not_open",
      );
      assert.equal(body.recommendationStatus, "applied");
      assert.equal(body.appliedOperationId, operationId);
      assert.match(body.detail, new RegExp(`applied by operation ${operationId}`));
    }
    assert.equal((await page<unknown>(t, "/v1/operations")).items.length, 1);
  });

  it("requires a reason to dismiss, then dismisses the rightsize recommendation once", async () => {
    for (const payload of [{}, { reason: "" }, { reason: "   " }, { reason: "x".repeat(1001) }]) {
      assertBadField(await post(t, `/v1/recommendations/${rightsize.id}/dismiss`, payload), "/reason", "body");
    }
    assertProblem(
      await post(t, `/v1/recommendations/${rightsize.id}/dismiss`, { reason: "no", extra: 1 }),
      400,
      "validation_failed",
    );
    assert.equal((await get(t, `/v1/recommendations/${rightsize.id}`)).json().status, "open");

    const response = await post(t, `/v1/recommendations/${rightsize.id}/dismiss`, {
      reason: "scaling out instead; revisit after Black Friday",
    });
    assert.equal(response.statusCode, 200, response.body);
    const dismissed = response.json() as RecommendationJson;
    assert.equal(dismissed.status, "dismissed");
    assert.equal(dismissed.dismissedBy, "operator");
    assert.equal(dismissed.dismissReason, "scaling out instead; revisit after Black Friday");
    assert.equal(dismissed.dismissedAt, t.clock.now().toISOString());
    assert.equal(dismissed.closedAt, null, "a dismissed recommendation stays current");
    assert.deepEqual(await pageIds(t, "/v1/recommendations?status=dismissed&current=true"), [rightsize.id]);
    const audit = await page<{ action: string; after: Record<string, unknown> }>(
      t,
      `/v1/audit-events?targetType=recommendation&targetId=${rightsize.id}`,
    );
    assert.deepEqual(
      audit.items.map((event) => [event.action, event.after.reason]),
      [["recommendation.dismiss", "scaling out instead; revisit after Black Friday"]],
    );

    const again = assertProblem(
      await post(t, `/v1/recommendations/${rightsize.id}/dismiss`, { reason: "again" }),
      409,
      "recommendation_not_open",
    );
    assert.equal(again.recommendationStatus, "dismissed");
    const applied = assertProblem(
      await post(t, `/v1/recommendations/${scaleOut.id}/dismiss`, { reason: "too late" }),
      409,
      "recommendation_not_open",
    );
    assert.equal(applied.recommendationStatus, "applied");
    const applyDismissed = assertProblem(
      await post(t, `/v1/recommendations/${rightsize.id}/apply`, {}),
      409,
      "recommendation_not_open",
    );
    assert.equal(applyDismissed.recommendationStatus, "dismissed");
    assertProblem(
      await post(t, `/v1/recommendations/${randomUUID()}/dismiss`, { reason: "gone" }),
      404,
      "recommendation_not_found",
    );
  });

  it("is not proposed again by the next sweep while its finding is open", async () => {
    const sweep = await post(t, "/v1/sweeps");
    assert.equal(sweep.statusCode, 201, sweep.body);
    assert.equal(sweep.json().recommendationsCreated, 0);
    const rightsizes = await page<RecommendationJson>(
      t,
      `/v1/recommendations?findingId=${rightsize.findingId}&kind=rightsize_instance_type`,
    );
    assert.deepEqual(
      rightsizes.items.map((item) => [item.id, item.status]),
      [[rightsize.id, "dismissed"]],
    );
  });

  it("scales the simulated group to 3 instances once the worker has run the operation", async () => {
    await reconcileToEnd(t, operationId);
    const operation = (await get(t, `/v1/operations/${operationId}`)).json();
    assert.equal(operation.status, "succeeded", JSON.stringify(operation.error));
    const [group] = await t.cloud.autoScaling.describeGroups([ASG_NAME]);
    assert.equal(group?.desiredCapacity, 3);
    assert.equal(group?.instances.length, 3);
  });
});

async function pageIds(t: TestApp, url: string) {
  return (await page<{ id: string }>(t, url)).items.map((item) => item.id);
}

describe("applying a recommendation alongside other operations", () => {
  let t: TestApp;
  let groupId: string;
  let scaleOut: RecommendationJson;
  before(async () => {
    ({ t, groupId } = await peakApp());
    ({ scaleOut } = await recommendationsOfGroup(t, groupId));
  });
  after(() => t.close());

  it("passes the operation request's 409 through while another operation holds the group", async () => {
    const other = await post(t, `/v1/resources/${groupId}/scale`, { minSize: 1 });
    assert.equal(other.statusCode, 202, other.body);
    const refused = assertProblem(
      await post(t, `/v1/recommendations/${scaleOut.id}/apply`, {}),
      409,
      "operation_in_progress",
    );
    assert.equal(refused.activeOperationId, other.json().id);
    assert.equal((await get(t, `/v1/recommendations/${scaleOut.id}`)).json().status, "open");
    const cancelled = await post(t, `/v1/operations/${other.json().id}/cancel`);
    assert.equal(cancelled.statusCode, 202, cancelled.body);
    assert.equal(cancelled.json().status, "cancelled");
  });

  it("returns the operation already recorded for it when an apply is retried after a crash", async () => {
    // The crash: the operation was recorded under the recommendation's key, the recommendation never marked.
    const recorded = await post(
      t,
      `/v1/resources/${groupId}/scale`,
      { desiredCapacity: 3 },
      { "idempotency-key": `recommendation:${scaleOut.id}` },
    );
    assert.equal(recorded.statusCode, 202, recorded.body);
    assert.equal((await get(t, `/v1/recommendations/${scaleOut.id}`)).json().status, "open");

    const retried = await post(t, `/v1/recommendations/${scaleOut.id}/apply`);
    assert.equal(retried.statusCode, 202, retried.body);
    assert.equal(retried.headers["idempotent-replayed"], "true");
    const { operation, recommendation } = retried.json();
    assert.equal(operation.id, recorded.json().id);
    assert.equal(operation.idempotencyKey, `recommendation:${scaleOut.id}`);
    assert.equal(recommendation.status, "applied");
    assert.equal(recommendation.appliedOperationId, recorded.json().id);
    const scales = (await page<{ id: string; status: string }>(t, "/v1/operations?kind=scale")).items;
    assert.deepEqual(
      scales.filter((op) => op.status === "pending").map((op) => op.id),
      [recorded.json().id],
    );
  });
});

describe("sweeps API", () => {
  let t: TestApp;
  before(async () => {
    ({ t } = await syncedApp());
  });
  after(() => t.close());

  it("does not let a viewer run a sweep", async () => {
    assertProblem(await post(t, "/v1/sweeps", undefined, {}, "viewer"), 403, "insufficient_role");
    assert.equal(await t.db.prisma.healthSweep.count(), 0);
  });

  it("runs a sweep now: 201 with its numbers", async () => {
    const response = await post(t, "/v1/sweeps");
    assert.equal(response.statusCode, 201, response.body);
    const sweep = response.json();
    assert.equal(response.headers.location, `/v1/sweeps/${sweep.id}`);
    assert.equal(sweep.trigger, "api");
    assert.equal(sweep.status, "succeeded");
    assert.equal(sweep.resources, 5);
    assert.equal(sweep.cloudCalls, 1);
    assert.ok(sweep.metricQueries > 0 && sweep.datapoints > 0);
    assert.equal(sweep.findingsOpened, 0, "no memory pressure at noon");
    assert.deepEqual(sweep.errors, []);
    assert.equal(sweep.error, null);
    assert.equal(sweep.startedAt, t.clock.now().toISOString());
    assert.deepEqual((await get(t, `/v1/sweeps/${sweep.id}`)).json(), sweep);
  });

  it("lists sweeps newest first, filtered by status and paged", async () => {
    t.clock.advance(10 * 60_000);
    const second = await post(t, "/v1/sweeps");
    assert.equal(second.statusCode, 201, second.body);
    const { items } = await page<{ id: string; startedAt: string; status: string }>(t, "/v1/sweeps");
    assert.equal(items.length, 2);
    assert.equal(items[0]?.id, second.json().id);
    assert.ok(Date.parse(items[0]?.startedAt ?? "") > Date.parse(items[1]?.startedAt ?? ""));
    assert.equal((await pageIds(t, "/v1/sweeps?status=succeeded")).length, 2);
    assert.deepEqual(await pageIds(t, "/v1/sweeps?status=failed"), []);
    const paged = await allPages<{ id: string }>(t, "/v1/sweeps", 1);
    assert.equal(paged.pages, 2);
    assert.deepEqual(
      paged.items.map((item) => item.id),
      items.map((item) => item.id),
    );
    assertBadField(await get(t, "/v1/sweeps?status=done"), "/status");
    assertProblem(await get(t, "/v1/sweeps?cursor=bm9wZQ"), 400, "invalid_cursor");
    assertProblem(await get(t, `/v1/sweeps/${randomUUID()}`), 404, "sweep_not_found");
  });

  it("answers 409 sweep_in_progress while another process holds the sweep lock", async () => {
    const before = await t.db.prisma.healthSweep.count();
    const response = await withTryAdvisoryLock(t.db.pool, LOCK_KEYS.healthSweep, () => post(t, "/v1/sweeps"));
    assert.ok(response, "the test could not take the sweep lock");
    assertProblem(response, 409, "sweep_in_progress");
    assert.equal(await t.db.prisma.healthSweep.count(), before);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressRefusal,
  checkWebhookTarget,
  classifyAddress,
  type DomainError,
  type NotificationEvent,
  nextRetryAt,
  operationOutcomeEvent,
  parseWebhookTarget,
  RETRY_WINDOW_MS,
  signatureHeader,
  slackMessage,
  subscriptionWants,
  verifyWebhookSignature,
} from "../src/index.ts";

const T0 = new Date("2026-11-25T17:30:00Z");

describe("webhook targets", () => {
  it("classifies addresses, IPv4-mapped IPv6 as its IPv4", () => {
    const table: [string, string][] = [
      ["127.0.0.1", "loopback"],
      ["::1", "loopback"],
      ["169.254.169.254", "metadata"],
      ["fd00:ec2::254", "metadata"],
      ["::ffff:169.254.169.254", "metadata"],
      ["169.254.3.4", "link_local"],
      ["fe80::1", "link_local"],
      ["febf::1", "link_local"],
      ["0.0.0.0", "unspecified"],
      ["::", "unspecified"],
      ["10.1.2.3", "private"],
      ["172.16.0.1", "private"],
      ["172.32.0.1", "public"],
      ["192.168.1.1", "private"],
      ["100.64.0.1", "private"],
      ["fd12::1", "private"],
      ["::ffff:10.0.0.1", "private"],
      ["93.184.215.14", "public"],
      ["2606:4700::1111", "public"],
    ];
    for (const [address, kind] of table) assert.equal(classifyAddress(address), kind, address);
  });

  it("allows http to loopback only, and private addresses only over https to a name", () => {
    const http = { https: false, hostIsName: true };
    const httpsName = { https: true, hostIsName: true };
    const httpsAddress = { https: true, hostIsName: false };
    assert.equal(addressRefusal(http, "127.0.0.1"), null);
    assert.match(addressRefusal(http, "93.184.215.14") ?? "", /only to loopback/);
    assert.equal(addressRefusal(httpsName, "10.0.0.5"), null);
    assert.match(addressRefusal(httpsAddress, "10.0.0.5") ?? "", /private/);
    assert.match(addressRefusal(httpsName, "169.254.169.254") ?? "", /metadata/);
    assert.match(addressRefusal(httpsName, "fe80::1") ?? "", /link-local/);
  });

  it("refuses a URL by its shape before any look-up", () => {
    const rule = (url: string) => {
      const parsed = parseWebhookTarget(url);
      return Array.isArray(parsed) ? parsed[0]?.rule : "ok";
    };
    assert.equal(rule("https://hooks.example.com/x"), "ok");
    assert.equal(rule("http://[::1]:8080/x"), "ok");
    assert.equal(rule("not a url"), "url");
    assert.equal(rule("gopher://example.com/"), "scheme");
    assert.equal(rule("https://a:b@example.com/"), "credentials");
    assert.equal(rule("https://example.com/#x"), "fragment");
    assert.equal(rule("http://169.254.169.254/"), "address");
  });

  it("refuses a name when any address it resolves to is refused (checked at save, again at delivery)", async () => {
    const resolving = (addresses: string[]) => async () => addresses;
    await checkWebhookTarget("https://hooks.example.com/", resolving(["93.184.215.14"]));
    await checkWebhookTarget("https://internal.example.com/", resolving(["10.0.0.8"]));
    await assert.rejects(
      checkWebhookTarget("https://rebind.example.com/", resolving(["93.184.215.14", "169.254.169.254"])),
      (error: DomainError) =>
        error.details.problems?.[0]?.rule === "address" && /metadata/.test(error.details.problems[0].message),
    );
    await assert.rejects(
      checkWebhookTarget("http://hooks.example.com/", resolving(["93.184.215.14"])),
      (error: DomainError) => error.code === "webhook_target_refused",
    );
    await checkWebhookTarget("http://localhost:9/", resolving(["127.0.0.1", "::1"]));
  });
});

describe("retries", () => {
  it("waits a random time up to 10 s × 2^(attempt−1), at most an hour (full jitter)", () => {
    const at = (attempt: number, random: number) =>
      (nextRetryAt(attempt, T0, T0, () => random)?.getTime() ?? Number.NaN) - T0.getTime();
    assert.equal(at(1, 0), 0);
    assert.equal(at(1, 1), 10_000);
    assert.equal(at(4, 1), 80_000);
    assert.equal(at(4, 0.5), 40_000);
    assert.equal(at(40, 1), 3_600_000, "capped at an hour");
  });

  it("keeps retrying for at least 24 hours, then gives up", () => {
    let now = T0;
    let attempt = 1;
    for (;;) {
      const next = nextRetryAt(attempt, T0, now, () => 1);
      if (!next) break;
      now = next;
      attempt++;
    }
    assert.ok(
      now.getTime() - T0.getTime() >= 24 * 3_600_000,
      `gave up after ${attempt} attempts at ${now.toISOString()}`,
    );
    assert.ok(now.getTime() - T0.getTime() <= RETRY_WINDOW_MS);
  });
});

describe("signatures", () => {
  it("signs <t>.<body> and verifies it within the tolerance only, untouched only", () => {
    const header = signatureHeader("whsec_test", '{"a":1}', T0);
    const t = T0.getTime() / 1000;
    assert.match(header, new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
    assert.equal(verifyWebhookSignature("whsec_test", '{"a":1}', header, t), true);
    assert.equal(verifyWebhookSignature("whsec_test", '{"a":2}', header, t), false);
    assert.equal(verifyWebhookSignature("whsec_other", '{"a":1}', header, t), false);
    assert.equal(verifyWebhookSignature("whsec_test", '{"a":1}', header, t + 301), false);
    assert.equal(verifyWebhookSignature("whsec_test", '{"a":1}', "t=x,v1=00", t), false);
  });
});

const event = (overrides: Partial<NotificationEvent> = {}): NotificationEvent => ({
  id: "e1",
  type: "finding.opened",
  occurredAt: T0,
  recordedAt: T0,
  environment: { id: "env-1", name: "production" },
  subject: { id: "r1", kind: "auto_scaling_group", name: "web <asg> & co" },
  severity: "warning",
  data: { findingId: "f1", summary: "memory at 92%" },
  ...overrides,
});

describe("matching and messages", () => {
  const subscription = {
    enabled: true,
    events: ["finding.opened" as const],
    environmentId: null,
    minSeverity: "info" as const,
    createdAt: T0,
  };

  it("matches by type, environment, minimum severity, enabled, and creation before the event", () => {
    assert.equal(subscriptionWants(subscription, event()), true);
    assert.equal(subscriptionWants({ ...subscription, enabled: false }, event()), false);
    assert.equal(subscriptionWants(subscription, event({ type: "finding.resolved" })), false);
    assert.equal(subscriptionWants({ ...subscription, environmentId: "env-2" }, event()), false);
    assert.equal(subscriptionWants({ ...subscription, environmentId: "env-1" }, event()), true);
    assert.equal(subscriptionWants({ ...subscription, minSeverity: "critical" }, event()), false);
    assert.equal(subscriptionWants({ ...subscription, createdAt: new Date(T0.getTime() + 1) }, event()), false);
    assert.equal(subscriptionWants(subscription, event({ type: "webhook.test" })), false);
  });

  it("names an operation's end by its outcome", () => {
    assert.equal(operationOutcomeEvent("succeeded", null), "operation.succeeded");
    assert.equal(operationOutcomeEvent("failed", "timed_out"), "operation.timed_out");
    assert.equal(operationOutcomeEvent("failed", "rolled_back"), "operation.rolled_back");
    assert.equal(operationOutcomeEvent("failed", "cloud_error"), "operation.failed");
  });

  it("writes a Slack line with escaped text and a link to the thing's dashboard page", () => {
    assert.deepEqual(slackMessage(event(), "https://dash.example.com/"), {
      text: "*Finding opened* [production] auto_scaling_group web &lt;asg&gt; &amp; co: memory at 92% <https://dash.example.com/findings/f1|Open in the dashboard>",
    });
    const operation = slackMessage(
      event({ type: "operation.rolled_back", data: { operationId: "op-9", summary: "5xx over" } }),
      "http://127.0.0.1:3000",
    );
    assert.match(operation.text, /<http:\/\/127\.0\.0\.1:3000\/operations\/op-9\|Open in the dashboard>$/);
  });
});

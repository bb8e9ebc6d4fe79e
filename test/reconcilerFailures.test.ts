import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudError, type CloudPort, PRIMARY_DB } from "@fastier/core";
import { reconcilerFor } from "./helpers/reconcile.ts";
import { syncedApp } from "./helpers/syncedApp.ts";
import type { TestApp } from "./helpers/testApp.ts";

const RESTORED = "fastier-db-left-behind";

/**
 * Failures the reconciler makes itself (a refused step, retries given up)
 * still say what the operation left behind that someone pays for.
 */
describe("failures the reconciler writes", () => {
  let t: TestApp;
  before(async () => {
    ({ t } = await syncedApp());
  });
  after(() => t.close());

  it("names the billed instance a restore created when the cloud then refuses the next step", async () => {
    const primary = await t.db.prisma.resource.findFirstOrThrow({ where: { cloudId: PRIMARY_DB } });
    const accepted = await t.app.inject({
      method: "POST",
      url: `/v1/resources/${primary.id}/restore`,
      headers: t.auth("admin"),
      payload: { targetIdentifier: RESTORED, useLatestRestorableTime: true },
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    const id = accepted.json().id as string;
    await reconcilerFor(t).tick();
    const [created] = await t.cloud.databases.describeInstances([RESTORED]);
    assert.ok(created, "the restore was accepted: the new instance exists");

    // From now on the cloud refuses to describe anything (not retryable: an access change, say).
    const refusing: CloudPort = {
      ...t.cloud,
      databases: {
        ...t.cloud.databases,
        describeInstances: async () => {
          throw new CloudError("access_denied", "not authorized to perform rds:DescribeDBInstances", {
            providerCode: "AccessDenied",
          });
        },
      },
    };
    t.clock.advance(120_000);
    await reconcilerFor(t, refusing).tick();
    const done = (await t.app.inject({ method: "GET", url: `/v1/operations/${id}`, headers: t.auth("viewer") })).json();
    assert.equal(done.status, "failed");
    assert.equal(done.error.code, "cloud_access_denied");
    assert.match(done.error.message, new RegExp(`${RESTORED} exists and is billed`));
  });
});

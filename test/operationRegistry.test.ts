import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { OPERATION_DEFINITIONS, OPERATION_KINDS } from "@fastier/core";
import { buildOpenapiDocument, type OpenapiDocument } from "../scripts/openapiDocument.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/testDatabase.ts";

describe("the operation registry is the one list of kinds", () => {
  let db: TestDatabase;
  let document: OpenapiDocument;
  before(async () => {
    db = await createTestDatabase();
    document = await buildOpenapiDocument();
  });
  after(() => db.drop());

  it("names exactly the kinds the database's OperationKind type holds", async () => {
    const { rows } = await db.pool.query<{ kind: string }>(
      `SELECT unnest(enum_range(NULL::"OperationKind"))::text AS kind`,
    );
    assert.deepEqual(
      rows.map((row) => row.kind.toLowerCase()).sort(),
      [...OPERATION_KINDS].sort(),
      "add the kind to prisma/schema.prisma's OperationKind enum and run npm run db:migration",
    );
  });

  it("gives each kind an endpoint the API serves; kinds share one only for different resource kinds", () => {
    const byPath = new Map<string, string[]>();
    for (const definition of OPERATION_DEFINITIONS) {
      byPath.set(definition.path, [...(byPath.get(definition.path) ?? []), ...definition.targetKinds]);
    }
    for (const [path, targetKinds] of byPath) {
      assert.equal(
        new Set(targetKinds).size,
        targetKinds.length,
        `two kinds on /${path} act on the same resource kind`,
      );
    }
    assert.deepEqual(
      OPERATION_DEFINITIONS.filter((d) => d.path === "rollback").map((d) => [d.kind, d.targetKinds]),
      [
        ["rollback_stage", ["pipeline"]],
        ["rollback_environment", ["beanstalk_environment"]],
      ],
    );
    const documented = document.paths as Record<string, { post?: { operationId?: string; requestBody?: unknown } }>;
    for (const definition of OPERATION_DEFINITIONS) {
      const operation = documented[`/v1/resources/{id}/${definition.path}`]?.post;
      assert.ok(operation?.requestBody, `POST /v1/resources/{id}/${definition.path} is in the document`);
    }
  });

  it("gives every kind a deadline within what a request may ask for", () => {
    for (const definition of OPERATION_DEFINITIONS) {
      assert.ok(definition.defaultTimeoutMinutes >= 1 && definition.defaultTimeoutMinutes <= 1440, definition.kind);
    }
  });
});

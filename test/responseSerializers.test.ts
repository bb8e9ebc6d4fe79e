import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Fastify from "fastify";
import { responseSerializers, withNullableUnions } from "../apps/api/src/plugins/responseSerializers.ts";

const Uuid = { type: "string", format: "uuid" };
const NullableUuid = { anyOf: [Uuid, { type: "null" }] };
const Capacity = {
  type: "object",
  properties: { minSize: { type: "integer" }, maxSize: { type: "integer" } },
  additionalProperties: false,
};
const Item = {
  $id: "Item",
  type: "object",
  properties: {
    parentId: NullableUuid,
    capacity: { anyOf: [{ type: "null" }, Capacity] },
    seenAt: { anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] },
    owner: { anyOf: [{ $ref: "Owner" }, { type: "null" }] },
    either: { anyOf: [{ type: "string" }, { type: "integer" }] },
  },
};

describe("response serializers", () => {
  it("reads `X or null` as nullable X, and leaves references, other unions and the original schema alone", () => {
    const original = structuredClone(Item);
    const rewritten = withNullableUnions(Item) as { properties: Record<string, unknown> };
    assert.deepEqual(rewritten.properties.parentId, { ...Uuid, nullable: true });
    assert.deepEqual(rewritten.properties.capacity, { ...Capacity, nullable: true });
    assert.deepEqual(rewritten.properties.seenAt, { type: "string", format: "date-time", nullable: true });
    assert.deepEqual(rewritten.properties.owner, Item.properties.owner, "a $ref keeps its anyOf");
    assert.deepEqual(rewritten.properties.either, Item.properties.either, "a union without null is not nullable");
    assert.deepEqual(Item, original, "the route's own schema (validation, OpenAPI) is not changed");
  });

  it("writes the same JSON as before for values and nulls, shared schemas included", async () => {
    const app = Fastify({ logger: false, schemaController: responseSerializers });
    app.addSchema({ $id: "Owner", type: "object", properties: { name: { type: "string" } } });
    app.addSchema(Item);
    const items = [
      {
        parentId: "6f1c2f7e-4b7a-4c53-9d6e-0c6f1f0f9a11",
        capacity: { minSize: 1, maxSize: 4 },
        seenAt: new Date("2026-12-07T01:02:03.456Z"),
        owner: { name: "ops" },
        either: 7,
      },
      { parentId: null, capacity: null, seenAt: null, owner: null, either: "seven" },
    ];
    app.get("/items", { schema: { response: { 200: { type: "array", items: { $ref: "Item" } } } } }, async () => items);
    const response = await app.inject({ method: "GET", url: "/items" });
    await app.close();
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, JSON.stringify(items));
  });
});

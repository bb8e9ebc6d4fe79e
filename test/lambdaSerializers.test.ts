// The Lambda bundles' response-serializer compiler (scripts/lambdaShims/lazyFastJsonStringifyCompiler.cjs):
// built on first use and given only the shared schemas a response reaches, it writes what Fastify's own does.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { SerializerSelector as eagerSelector } from "@fastify/fast-json-stringify-compiler";
import { Type } from "typebox";
import { pageOf } from "../apps/api/src/schemas/common.ts";
import { Environment } from "../apps/api/src/schemas/environment.ts";
import { Problem } from "../apps/api/src/schemas/problem.ts";
import { Resource } from "../apps/api/src/schemas/resource.ts";

interface LazySerializers {
  SerializerSelector: typeof eagerSelector;
  reachableSchemas(schema: unknown, externalSchemas: Record<string, unknown>): Record<string, unknown>;
}
const lazy = createRequire(import.meta.url)(
  "../scripts/lambdaShims/lazyFastJsonStringifyCompiler.cjs",
) as LazySerializers;

const EnvironmentPage = pageOf(Type.Ref("Environment"), "Environment");
/** Shared schemas as the app adds them, keyed by $id as Fastify hands them to the compiler. */
const shared: Record<string, unknown> = { Problem, Environment, EnvironmentPage, Resource };

describe("the Lambda bundles' response serializers", () => {
  it("reach the shared schemas through $refs, each once, and no others", () => {
    const cyclic = {
      A: { $id: "A", type: "object", properties: { b: { $ref: "B#" } } },
      B: { $id: "B", type: "object", properties: { a: { $ref: "A" }, x: { $ref: "C#/properties/x" } } },
      C: { $id: "C", type: "object", properties: { x: { type: "string" } } },
      D: { $id: "D", type: "string" },
    };
    const reached = lazy.reachableSchemas({ anyOf: [{ $ref: "A" }, { $ref: "#/local" }] }, cyclic);
    assert.deepEqual(Object.keys(reached).sort(), ["A", "B", "C"]);
    assert.equal(reached.A, cyclic.A);
    assert.deepEqual(Object.keys(lazy.reachableSchemas(Type.Ref("EnvironmentPage"), shared)).sort(), [
      "Environment",
      "EnvironmentPage",
    ]);
  });

  it("write what Fastify's own serializers write, for a page, a problem and a nullable field", () => {
    const route = (schema: unknown) => ({ schema, method: "GET", url: "/v1/environments", httpStatus: "200" });
    const eager = eagerSelector()(shared, {});
    const onFirstUse = lazy.SerializerSelector()(shared, {});
    const environment = {
      id: "0b5d6c1e-4f0a-4c61-9d2c-8f1b2a3c4d5e",
      name: "production",
      description: "",
      region: "us-east-1",
      accountId: null,
      tags: { team: "ops" },
      version: 1,
      createdAt: "2026-12-07T01:00:00.000Z",
      updatedAt: "2026-12-07T01:00:00.000Z",
      undeclared: "left out",
    };
    const cases: [unknown, unknown][] = [
      [Type.Ref("EnvironmentPage"), { items: [environment], nextCursor: null }],
      [Type.Ref("EnvironmentPage"), { items: [{ ...environment, accountId: "123456789012" }], nextCursor: "abc" }],
      [
        Type.Ref("Problem"),
        { type: "about:blank", title: "Unauthorized", status: 401, detail: "no key", code: "unauthorized", extra: 1 },
      ],
    ];
    for (const [schema, data] of cases) {
      const expected = eager(route(schema))(data);
      assert.equal(onFirstUse(route(schema))(data), expected);
      assert.doesNotMatch(expected, /left out/);
    }
  });
});

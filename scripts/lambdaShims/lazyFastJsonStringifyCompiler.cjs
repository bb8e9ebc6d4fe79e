"use strict";
// In the Lambda bundles, Fastify's `require("@fastify/fast-json-stringify-compiler")` resolves
// here (scripts/buildLambda.ts). Same API, same serializers, but each route's response
// serializer is built on the first response that needs it instead of at `ready()`: building
// all of them up front is most of a cold start (≈0.8 s of ≈1.2 s for some 70 routes on
// 2 cores), while one invocation usually answers one route. The local server keeps building
// them at start-up, so the tests still catch a schema fast-json-stringify cannot compile.
//
// Each serializer is also given only the shared schemas its response schema reaches through
// `$ref`s: fast-json-stringify checks every shared schema it is given against the JSON Schema
// meta-schema at each build (≈18 ms of CPU for the API's 37 with a code cache), and a response
// reaches a handful. Schemas it does not reach cannot change what it writes.
const eager = require("@fastify/fast-json-stringify-compiler");

/** The shared schemas `schema` reaches through `$ref`s (`"Id"`, `"Id#"`, `"Id#/pointer"`), by id. */
function reachableSchemas(schema, externalSchemas) {
  const reached = {};
  const visit = (node) => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key !== "$ref" || typeof value !== "string") {
          visit(value);
          continue;
        }
        const id = value.split("#")[0];
        if (id && !Object.hasOwn(reached, id) && Object.hasOwn(externalSchemas, id)) {
          reached[id] = externalSchemas[id];
          visit(externalSchemas[id]);
        }
      }
    }
  };
  visit(schema);
  return reached;
}

function SerializerSelector() {
  const buildEager = eager.SerializerSelector();
  return function buildSerializerFactory(externalSchemas, serializerOpts) {
    return function responseSchemaCompiler(routeSchema) {
      let serialize;
      return function serializeOnFirstUse(data) {
        serialize ??= buildEager(
          reachableSchemas(routeSchema.schema, externalSchemas ?? {}),
          serializerOpts,
        )(routeSchema);
        return serialize(data);
      };
    };
  };
}

module.exports = SerializerSelector;
module.exports.default = SerializerSelector;
module.exports.SerializerSelector = SerializerSelector;
module.exports.StandaloneSerializer = eager.StandaloneSerializer;
module.exports.reachableSchemas = reachableSchemas;

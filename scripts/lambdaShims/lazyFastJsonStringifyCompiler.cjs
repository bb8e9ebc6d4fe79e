"use strict";
// In the Lambda bundles, Fastify's `require("@fastify/fast-json-stringify-compiler")` resolves
// here (scripts/buildLambda.ts). Same API, same serializers, but each route's response
// serializer is built on the first response that needs it instead of at `ready()`: building
// all of them up front is most of a cold start (≈0.8 s of ≈1.2 s for some 70 routes on
// 2 cores), while one invocation usually answers one route. The local server keeps building
// them at start-up, so the tests still catch a schema fast-json-stringify cannot compile.
const eager = require("@fastify/fast-json-stringify-compiler");

function SerializerSelector() {
  const buildEager = eager.SerializerSelector();
  return function buildSerializerFactory(externalSchemas, serializerOpts) {
    let compile;
    return function responseSchemaCompiler(routeSchema) {
      let serialize;
      return function serializeOnFirstUse(data) {
        compile ??= buildEager(externalSchemas, serializerOpts);
        serialize ??= compile(routeSchema);
        return serialize(data);
      };
    };
  };
}

module.exports = SerializerSelector;
module.exports.default = SerializerSelector;
module.exports.SerializerSelector = SerializerSelector;
module.exports.StandaloneSerializer = eager.StandaloneSerializer;

import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type Schema = Record<string, unknown>;

const isNullSchema = (schema: unknown) =>
  typeof schema === "object" &&
  schema !== null &&
  (schema as Schema).type === "null" &&
  Object.keys(schema).length === 1;

/**
 * A copy of `schema` in which every `anyOf: [X, { type: "null" }]` whose X is written out (not a
 * `$ref`) reads `X` with `nullable: true`. Both mean "X or null"; but for `anyOf` fast-json-stringify
 * runs an Ajv validation of every value to pick the branch (a UUID pattern, a date-time format, a
 * whole nested object), for every nullable field of every item of every page, while for `nullable`
 * it checks for null and writes X. The answers are built by this code from stored rows, so they
 * need no validation on the way out. The route schemas themselves (validation, the OpenAPI
 * document) are not touched.
 */
export function withNullableUnions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNullableUnions);
  if (typeof schema !== "object" || schema === null) return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = withNullableUnions(value);
  const anyOf = copy.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return copy;
  const other = anyOf.find((branch) => !isNullSchema(branch)) as Schema | undefined;
  if (!other || !anyOf.some(isNullSchema) || "$ref" in other || typeof other.type !== "string") return copy;
  const { anyOf: _, ...rest } = copy;
  return { ...rest, ...other, nullable: true };
}

const defaultSerializers = SerializerSelector();

/**
 * Fastify's own response serializer compiler (fast-json-stringify), given the schemas with their
 * nullable unions rewritten (see `withNullableUnions`), the shared ones included.
 */
export const responseSerializers: NonNullable<FastifyServerOptions["schemaController"]> = {
  compilersFactory: {
    buildSerializer: (externalSchemas, options) => {
      const build = defaultSerializers(withNullableUnions(externalSchemas) as typeof externalSchemas, options);
      return (route) => build({ ...route, schema: withNullableUnions(route.schema) as typeof route.schema });
    },
  },
};

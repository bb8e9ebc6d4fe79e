import { Ajv, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifyInstance } from "fastify";
import type { FastifyValidationResult } from "fastify/types/schema.js";
import { sendProblem } from "./problems.ts";

// ajv-formats is CommonJS; under ESM its function sits on `default`.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule }).default ?? addFormatsModule;

const shared: Options = {
  allErrors: true,
  // Unknown properties are refused, never silently dropped.
  removeAdditional: false,
  useDefaults: true,
  strict: false,
};

type Validate = FastifyValidationResult;

/** Compiles on the first call: a cold Lambda then pays only for the routes it serves. */
function compiledOnFirstUse(compile: () => Validate): Validate {
  let compiled: Validate | undefined;
  const validate: Validate = (data) => {
    compiled ??= compile();
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  return validate;
}

/**
 * Bodies are validated as sent: a string where a number belongs is a 400, not
 * coerced. Query strings, params and headers arrive as text, so they are coerced.
 * `onFirstUse` defers compiling each route's validators to its first request
 * (Lambda); otherwise a broken schema fails at start-up, where tests see it.
 */
export function installValidators(app: FastifyInstance, options: { onFirstUse?: boolean } = {}): void {
  // Checking each schema against JSON Schema's meta-schema first compiles the meta-schema: ~60 ms of a
  // cold Lambda's first request (npm run bench:cold-start). The local server still checks, at start-up.
  const checked: Options = { ...shared, validateSchema: !options.onFirstUse };
  const bodyAjv = addFormats(new Ajv({ ...checked, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...checked, coerceTypes: "array" }));
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const compile = () => (httpPart === "body" ? bodyAjv : textAjv).compile(schema) as Validate;
    return options.onFirstUse ? compiledOnFirstUse(compile) : compile();
  });
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL cannot store: NUL (in text or jsonb), and UTF-16 surrogates
 * without their pair (they have no UTF-8 form).
 */
export function isUnstorableText(text: string): boolean {
  return text.includes("\u0000") || LONE_SURROGATE.test(text);
}

/** Deepest JSON accepted; the database's JSON handling gives up far below what fits in a body. */
export const MAX_JSON_DEPTH = 32;

interface InputProblem {
  field: string;
  rule: string;
  message: string;
}

const pointerPart = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** The first value in `input` that could not be stored, walked without recursion so depth cannot overflow the stack. */
export function unstorableInput(input: unknown): InputProblem | undefined {
  const pending: { value: unknown; field: string; depth: number }[] = [{ value: input, field: "", depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, field, depth } = next;
    if (typeof value === "string") {
      if (isUnstorableText(value)) {
        return {
          field: field || "/",
          rule: "characters",
          message: "must not contain NUL characters or unpaired UTF-16 surrogates",
        };
      }
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { field: field || "/", rule: "maxDepth", message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
    }
    for (const [key, item] of Object.entries(value)) {
      const at = `${field}/${pointerPart(key)}`;
      if (isUnstorableText(key)) {
        return { field: at, rule: "characters", message: "property names must not contain NUL or unpaired surrogates" };
      }
      pending.push({ value: item, field: at, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * After schema validation, refuse input the database would choke on (a 500
 * otherwise): NUL bytes, lone surrogates, absurdly deep JSON.
 */
export function installStorableInputCheck(app: FastifyInstance): void {
  // Callback style and no array of parts: this runs on every request, and nearly all of them pass.
  app.addHook("preHandler", (request, reply, done) => {
    const refuse = (where: string, problem: InputProblem) =>
      sendProblem(request, reply, 400, "validation_failed", `${where} ${problem.field}: ${problem.message}`, {
        errors: [{ in: where, ...problem }],
      });
    const inParams = unstorableInput(request.params);
    if (inParams) return refuse("params", inParams);
    const inQuery = unstorableInput(request.query);
    if (inQuery) return refuse("querystring", inQuery);
    const inBody = unstorableInput(request.body);
    if (inBody) return refuse("body", inBody);
    done();
  });
}

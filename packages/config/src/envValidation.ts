/**
 * Checks environment variables against the small JSON Schema subset the configuration uses,
 * by reading the schema directly: nothing is compiled, so a Lambda cold start does not pay for
 * building a validator (Ajv's instance and code generation were ~65 ms of it) to read ~30 strings.
 * Strings are converted and failures worded as JSON Schema validators do with type coercion
 * (`env/PORT must be <= 65535`), so messages name the variable and the rule.
 */

export interface EnvVariableSchema {
  readonly type: "string" | "integer" | "number" | "boolean";
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly default?: string | number | boolean;
  readonly description?: string;
}

export interface EnvSchema {
  readonly type: "object";
  readonly properties: Readonly<Record<string, EnvVariableSchema>>;
}

export type EnvValue = string | number | boolean;

/** An environment string as the schema's type, or undefined when it cannot be one. */
function coerce(value: string, type: EnvVariableSchema["type"]): EnvValue | undefined {
  switch (type) {
    case "string":
      return value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : undefined;
    case "number":
    case "integer": {
      // Empty strings are not numbers; Number() would make them 0.
      const number = value === "" ? Number.NaN : Number(value);
      if (Number.isNaN(number) || (type === "integer" && !Number.isInteger(number))) return undefined;
      return number;
    }
  }
}

/** What is wrong with one converted value, in schema keyword order; empty when nothing is. */
function violations(value: EnvValue, spec: EnvVariableSchema): string[] {
  const found: string[] = [];
  if (spec.enum && !spec.enum.includes(value as string)) found.push("must be equal to one of the allowed values");
  if (typeof value === "number") {
    if (spec.maximum !== undefined && !(value <= spec.maximum)) found.push(`must be <= ${spec.maximum}`);
    if (spec.minimum !== undefined && !(value >= spec.minimum)) found.push(`must be >= ${spec.minimum}`);
    if (spec.exclusiveMinimum !== undefined && !(value > spec.exclusiveMinimum)) {
      found.push(`must be > ${spec.exclusiveMinimum}`);
    }
  }
  if (typeof value === "string") {
    // Lengths in code points, as JSON Schema counts them.
    const length = [...value].length;
    if (spec.maxLength !== undefined && length > spec.maxLength) {
      found.push(`must NOT have more than ${spec.maxLength} characters`);
    }
    if (spec.minLength !== undefined && length < spec.minLength) {
      found.push(`must NOT have fewer than ${spec.minLength} characters`);
    }
    if (spec.pattern !== undefined && !new RegExp(spec.pattern, "u").test(value)) {
      found.push(`must match pattern "${spec.pattern}"`);
    }
  }
  return found;
}

/**
 * The schema's variables read from `env`, converted, with defaults for the unset ones; every
 * failure is listed in one Error (`env/<NAME> <rule>, env/<NAME> <rule>`), in schema order.
 */
export function validateEnv(schema: EnvSchema, env: NodeJS.ProcessEnv): Record<string, EnvValue | undefined> {
  const values: Record<string, EnvValue | undefined> = {};
  const errors: string[] = [];
  for (const [name, spec] of Object.entries(schema.properties)) {
    const raw = env[name];
    if (raw === undefined) {
      values[name] = spec.default;
      continue;
    }
    const value = coerce(raw, spec.type);
    const problems = value === undefined ? [`must be ${spec.type}`] : violations(value, spec);
    errors.push(...problems.map((problem) => `env/${name} ${problem}`));
    values[name] = value;
  }
  if (errors.length > 0) throw new Error(errors.join(", "));
  return values;
}

import type { Static, TObject } from "typebox";
import { Value } from "typebox/value";
import { DomainError, type FieldProblem, ValidationError } from "../errors.ts";
import type { OperationDefinition, OperationRecord, RegisteredOperation } from "./operationTypes.ts";

/** State read back from the database that its kind's schema does not accept: a bug or a hand edit, never retried. */
export class CorruptStateError extends DomainError {
  override name = "CorruptStateError";
  constructor(kind: string, problems: FieldProblem[]) {
    super(
      "unprocessable",
      "corrupt_state",
      `the stored state of this ${kind} operation does not match its kind: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`,
      { problems },
    );
  }
}

function problemsOf(schema: TObject, value: unknown): FieldProblem[] {
  const errors = [...Value.Errors(schema, value)];
  // TypeBox names each unknown field (its `false` subschema) and then the object again: keep the named ones.
  const unknownField = (schemaPath: string) => schemaPath.endsWith("/additionalProperties");
  const named = errors.some((error) => unknownField(error.schemaPath));
  return errors
    .filter((error) => !(named && error.keyword === "additionalProperties" && error.instancePath === ""))
    .map((error) => ({
      field: error.instancePath || "/",
      rule: unknownField(error.schemaPath) ? "additionalProperties" : error.keyword,
      message: unknownField(error.schemaPath) ? "is not a field of this request" : error.message,
    }));
}

/**
 * Registers a kind: its typed functions are called only with params and
 * state that its schemas accept, checked here once for every kind (a request
 * arrives through the API already checked against the same body schema; this
 * guards every other caller and what comes back from the database).
 */
export function defineOperation<K extends string, Body extends TObject, State extends TObject>(
  definition: OperationDefinition<K, Body, State>,
): RegisteredOperation<K> {
  const paramsOf = (params: unknown): Static<Body> => {
    if (Value.Check(definition.body, params)) return params;
    throw new ValidationError(problemsOf(definition.body, params));
  };
  const stateOf = (state: unknown): Static<State> => {
    if (Value.Check(definition.state, state)) return state;
    throw new CorruptStateError(definition.kind, problemsOf(definition.state, state));
  };
  const { plan, step, leftBehind, evidence, state: _state, ...description } = definition;
  // Asked while a failure is being written: params or a state that cannot be read cannot add to it.
  const readable = (
    operation: OperationRecord<unknown, unknown>,
  ): operation is OperationRecord<Static<Body>, Static<State>> =>
    Value.Check(definition.body, operation.params) && Value.Check(definition.state, operation.state);
  return {
    ...description,
    // async: a refused request is a rejected promise, like every other refusal of a plan.
    plan: async (context) => plan({ ...context, params: paramsOf(context.params) }),
    step: async (context) => {
      const operation = {
        ...context.operation,
        params: paramsOf(context.operation.params),
        state: stateOf(context.operation.state),
      };
      return step({ ...context, operation });
    },
    leftBehind: (operation) => (readable(operation) ? (leftBehind?.(operation) ?? null) : null),
    evidence: (operation) => (readable(operation) ? (evidence?.(operation) ?? null) : null),
  };
}

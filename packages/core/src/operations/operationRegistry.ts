import { scaleGroup } from "./kinds/scaleGroup.ts";
import type { OperationDefinition, OperationKind } from "./operationTypes.ts";

/** Every operation kind the control plane can run, by kind. */
export const OPERATION_DEFINITIONS: Partial<Record<OperationKind, OperationDefinition<never>>> = {
  scale: scaleGroup as OperationDefinition<never>,
};

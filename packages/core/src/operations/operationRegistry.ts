import { blueGreenDeploy } from "./kinds/blueGreenDeploy.ts";
import { changeInstanceType } from "./kinds/changeInstanceType.ts";
import { createSnapshot } from "./kinds/createSnapshot.ts";
import { drDrill } from "./kinds/drDrill.ts";
import { enableMultiAz } from "./kinds/enableMultiAz.ts";
import { promoteReplica } from "./kinds/promoteReplica.ts";
import { putMemoryScalingPolicy } from "./kinds/putMemoryScalingPolicy.ts";
import { restorePointInTime } from "./kinds/restorePointInTime.ts";
import { rollbackEnvironment } from "./kinds/rollbackEnvironment.ts";
import { rollbackStage } from "./kinds/rollbackStage.ts";
import { scaleGroup } from "./kinds/scaleGroup.ts";
import { setBackupRetention } from "./kinds/setBackupRetention.ts";
import { startBackupReplication } from "./kinds/startBackupReplication.ts";
import { startDeployment } from "./kinds/startDeployment.ts";
import { stopBackupReplication } from "./kinds/stopBackupReplication.ts";
import { stopDeployment } from "./kinds/stopDeployment.ts";
import type { OperationRecord, RegisteredOperation } from "./operationTypes.ts";

/**
 * Every operation kind the control plane can run. Adding a kind is its module
 * and one line here (plus a migration for the database's list of kinds): the
 * API's endpoints, the OpenAPI document, the generated client and the
 * reconciler all come from this list.
 */
export const OPERATION_DEFINITIONS = [
  scaleGroup,
  startDeployment,
  stopDeployment,
  rollbackStage,
  promoteReplica,
  restorePointInTime,
  createSnapshot,
  putMemoryScalingPolicy,
  enableMultiAz,
  setBackupRetention,
  startBackupReplication,
  stopBackupReplication,
  changeInstanceType,
  drDrill,
  blueGreenDeploy,
  rollbackEnvironment,
] as const;

export type OperationKind = (typeof OPERATION_DEFINITIONS)[number]["kind"];
export const OPERATION_KINDS: readonly OperationKind[] = OPERATION_DEFINITIONS.map((definition) => definition.kind);

const BY_KIND = new Map<string, RegisteredOperation>(OPERATION_DEFINITIONS.map((d) => [d.kind, d]));

/** The kind's definition; undefined for a name that is not a kind (a row written by a newer version). */
export function operationDefinition(kind: string): RegisteredOperation | undefined {
  return BY_KIND.get(kind);
}

export function isOperationKind(kind: string): kind is OperationKind {
  return BY_KIND.has(kind);
}

/** A stored operation, as the API and the stores see it. */
export interface Operation extends OperationRecord {
  kind: OperationKind;
}

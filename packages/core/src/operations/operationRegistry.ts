import { createSnapshot } from "./kinds/createSnapshot.ts";
import { promoteReplica } from "./kinds/promoteReplica.ts";
import { restorePointInTime } from "./kinds/restorePointInTime.ts";
import { rollbackStage } from "./kinds/rollbackStage.ts";
import { scaleGroup } from "./kinds/scaleGroup.ts";
import { startDeployment } from "./kinds/startDeployment.ts";
import { stopDeployment } from "./kinds/stopDeployment.ts";
import type { OperationDefinition, OperationKind } from "./operationTypes.ts";

/** Every operation kind the control plane can run, by kind. */
export const OPERATION_DEFINITIONS: Record<OperationKind, OperationDefinition<never>> = {
  scale: scaleGroup as OperationDefinition<never>,
  start_deployment: startDeployment as OperationDefinition<never>,
  stop_deployment: stopDeployment as OperationDefinition<never>,
  rollback_stage: rollbackStage as OperationDefinition<never>,
  promote_replica: promoteReplica as OperationDefinition<never>,
  restore_point_in_time: restorePointInTime as OperationDefinition<never>,
  create_snapshot: createSnapshot as OperationDefinition<never>,
};

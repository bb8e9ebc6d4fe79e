export * from "./audit/auditLog.ts";
export * from "./audit/types.ts";
export * from "./auth/apiKeyStore.ts";
export * from "./auth/apiKeys.ts";
export * from "./auth/firstAdminKey.ts";
export * from "./auth/roles.ts";
export * from "./cloud/cloudErrors.ts";
export * from "./cloud/cloudPort.ts";
export * from "./cloud/cloudTypes.ts";
export * from "./cloud/discoveredResource.ts";
export * from "./cloud/metricBatches.ts";
export * from "./dr/drReadiness.ts";
export * from "./dr/replicaLag.ts";
export * from "./errors.ts";
export * from "./health/capacityPlanning.ts";
export * from "./health/collectMetrics.ts";
export * from "./health/dashboardQueries.ts";
export * from "./health/databaseRules.ts";
export * from "./health/evaluateResource.ts";
export * from "./health/findingTypes.ts";
export * from "./health/healthQueries.ts";
export * from "./health/instanceCatalog.ts";
export * from "./health/memoryPressureRule.ts";
export * from "./health/metricQueries.ts";
export * from "./health/metricSeriesRequest.ts";
export * from "./health/recommendationActions.ts";
export * from "./health/recommendations.ts";
export * from "./health/runSweep.ts";
export * from "./health/supersedeRecommendations.ts";
export * from "./health/sustainedThreshold.ts";
export * from "./health/sweepRecommendations.ts";
export * from "./health/sweepSettings.ts";
export * from "./health/sweepTypes.ts";
export * from "./inventory/fastierProduction.ts";
export * from "./inventory/inventoryService.ts";
export * from "./inventory/inventoryStore.ts";
export * from "./inventory/resourceRules.ts";
export * from "./inventory/seedInventory.ts";
export * from "./inventory/types.ts";
export * from "./operations/deadlines.ts";
export * from "./operations/defineOperation.ts";
export * from "./operations/kinds/createSnapshot.ts";
export * from "./operations/kinds/promoteReplica.ts";
export * from "./operations/kinds/restorePointInTime.ts";
export {
  DB_PARAMETER_GROUP_NAME,
  DB_SUBNET_GROUP_NAME,
  MAX_SECURITY_GROUPS,
  type RestoreSettings,
  SECURITY_GROUP_ID,
} from "./operations/kinds/restoreSettings.ts";
export * from "./operations/kinds/rollbackStage.ts";
export * from "./operations/kinds/scaleGroup.ts";
export * from "./operations/kinds/startDeployment.ts";
export * from "./operations/kinds/stopDeployment.ts";
export * from "./operations/operationRegistry.ts";
export * from "./operations/operationStore.ts";
export * from "./operations/operationTypes.ts";
export * from "./operations/requestOperation.ts";
export * from "./pagination/cursor.ts";
export * from "./sync/planSync.ts";
export * from "./sync/syncEnvironment.ts";
export * from "./sync/syncStore.ts";

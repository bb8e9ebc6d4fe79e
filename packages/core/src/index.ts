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
export * from "./cloud/loadBalancerTypes.ts";
export * from "./cloud/metricBatches.ts";
export * from "./dr/drReadiness.ts";
export * from "./dr/replicaLag.ts";
export * from "./errors.ts";
export * from "./health/reads/dashboardReads.ts";
export * from "./health/reads/healthReads.ts";
export * from "./health/reads/metricSeriesRequest.ts";
export * from "./health/recommendations/capacityPlanning.ts";
export * from "./health/recommendations/cloudWatchAgentSetup.ts";
export * from "./health/recommendations/instanceCatalog.ts";
export * from "./health/recommendations/recommendationActions.ts";
export * from "./health/recommendations/recommendations.ts";
export * from "./health/recommendations/supersedeRecommendations.ts";
export * from "./health/recommendations/sweepRecommendations.ts";
export * from "./health/rules/databaseRules.ts";
export * from "./health/rules/evaluateResource.ts";
export * from "./health/rules/findingTypes.ts";
export * from "./health/rules/memoryPressureRule.ts";
export * from "./health/rules/sustainedThreshold.ts";
export * from "./health/sweep/collectMetrics.ts";
export * from "./health/sweep/metricQueryPlan.ts";
export * from "./health/sweep/runSweep.ts";
export * from "./health/sweep/sweepSettings.ts";
export * from "./health/sweep/sweepTypes.ts";
export * from "./inventory/fastierProduction.ts";
export * from "./inventory/inventoryService.ts";
export * from "./inventory/inventoryStore.ts";
export * from "./inventory/resourceRules.ts";
export * from "./inventory/seedInventory.ts";
export * from "./inventory/types.ts";
export * from "./operations/approvals.ts";
export * from "./operations/deadlines.ts";
export * from "./operations/defineOperation.ts";
export * from "./operations/kinds/createSnapshot.ts";
export * from "./operations/kinds/enableMultiAz.ts";
export * from "./operations/kinds/promoteReplica.ts";
export * from "./operations/kinds/putMemoryScalingPolicy.ts";
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
export * from "./operations/kinds/setBackupRetention.ts";
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

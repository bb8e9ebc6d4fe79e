export {
  type AdapterIamAction,
  AWS_ADAPTER_IAM_ACTIONS,
  adapterIamActionNames,
  type IamResourceType,
} from "./aws/iamActions.ts";
export * from "./aws/index.ts";
export { type Cloud, createCloud } from "./createCloud.ts";
export { openSharedSimClock } from "./sharedSimClock.ts";
export * from "./sim/index.ts";

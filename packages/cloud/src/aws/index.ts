export type { AwsClients, AwsCloudOptions, AwsCredentials } from "./awsClients.ts";
export { createAwsClients, DEFAULT_AWS_MAX_ATTEMPTS } from "./awsClients.ts";
export { type AwsService, cloudErrorFromAws } from "./awsErrors.ts";
export { createAwsCloud } from "./createAwsCloud.ts";

import type { CloudPort } from "@fastier/core";
import { type AwsClients, createAwsCloud } from "../../src/aws/index.ts";

/** Configuration for SDK clients that aws-sdk-client-mock intercepts: nothing leaves the process. */
export const MOCK_CLIENT_CONFIG = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
};

/** The adapter over the given (mocked) clients. */
export function mockedCloud(clients: Partial<AwsClients>): CloudPort {
  return createAwsCloud({ ...MOCK_CLIENT_CONFIG, clients });
}

/** Metadata as the SDK attaches it to a service error. */
export const metadata = (requestId: string, httpStatusCode = 400) => ({ requestId, httpStatusCode, attempts: 1 });

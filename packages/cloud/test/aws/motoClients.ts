import type { CloudPort } from "@fastier/core";
import { type AwsClients, createAwsCloud } from "../../src/aws/index.ts";
import { MOTO_CREDENTIALS, MOTO_REGION, type MotoServer } from "./motoServer.ts";

/** SDK client configuration for setting up fixtures in moto. */
export function motoConfig(moto: MotoServer) {
  // Two attempts: a retry is still exercised, but a broken fixture fails fast.
  return { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 2 };
}

/** The adapter under test, pointed at moto. */
export function motoCloud(moto: MotoServer, clients: Partial<AwsClients> = {}): CloudPort {
  return createAwsCloud({ ...motoConfig(moto), clients });
}

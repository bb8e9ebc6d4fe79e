import { Annotations, App, type AppProps, type Environment } from "aws-cdk-lib";
import { ControlPlaneStack } from "./controlPlaneStack.ts";
import { FastierPlatformStack } from "./fastierPlatformStack.ts";
import type { WebSource } from "./platform/webPipeline.ts";

/** Placeholder zone, so the app synthesises before a real zone is configured (deploying it fails). */
const EXAMPLE_ZONE = { hostedZoneId: "Z0000000000EXAMPLE", zoneName: "fastier.example.com" };

export interface FastierApp {
  app: App;
  controlPlane: ControlPlaneStack;
  platform: FastierPlatformStack;
}

/**
 * The CDK app: the control plane's own stack and Fastier's platform stack, configured from
 * context (`-c key=value` or `context` here):
 *
 * | context | meaning |
 * |---|---|
 * | `lambdaAssetDir` | folder with `api/index.mjs` and `worker/index.mjs` (default `dist/lambda`) |
 * | `vpcId` | put the control plane in this existing VPC (looked up; needs an account and region) |
 * | `alarmEmail` | subscribe this address to both stacks' alarm topics |
 * | `migrationNonce` | any new value re-runs the migrations on the next deploy |
 * | `bastion` | `true`: an SSM-only instance that may reach the control plane's database (first API key) |
 * | `hostedZoneId`, `zoneName`, `recordName` | the app's DNS name (default `app` in the zone) |
 * | `certificateArn` | ACM certificate for HTTPS on the web app's load balancer |
 * | `solutionStackName` | Elastic Beanstalk Python platform (see `aws elasticbeanstalk list-available-solution-stacks`) |
 * | `sourceConnectionArn`, `sourceRepository` (`owner/name`), `sourceBranch` | build from a repository instead of an S3 zip |
 */
export function createFastierApp(options: { appProps?: AppProps; env?: Environment } = {}): FastierApp {
  const app = new App(options.appProps);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const env = options.env;
  const alarmEmail = context("alarmEmail");

  const vpcId = context("vpcId");
  if (vpcId && (!env?.account || !env.region)) {
    throw new Error("context vpcId needs an account and region (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION)");
  }
  const controlPlane = new ControlPlaneStack(app, "FastierControlPlane", {
    env,
    description: "Fastier control plane: API and worker Lambdas, Aurora PostgreSQL, schedules, alarms",
    lambdaAssetDir: context("lambdaAssetDir"),
    vpcId,
    alarmEmail,
    migrationNonce: context("migrationNonce"),
    bastion: context("bastion") === "true",
  });

  const hostedZoneId = context("hostedZoneId");
  const zoneName = context("zoneName");
  const connectionArn = context("sourceConnectionArn");
  const source: WebSource | undefined = connectionArn
    ? {
        kind: "connection",
        connectionArn,
        repository: context("sourceRepository") ?? "fastier/fastier-web",
        branch: context("sourceBranch") ?? "main",
      }
    : undefined;
  const platform = new FastierPlatformStack(app, "FastierPlatform", {
    env,
    description:
      "Fastier platform: Elastic Beanstalk, RDS PostgreSQL Multi-AZ + replica, S3/CloudFront, CodePipeline, Route 53",
    hostedZone: hostedZoneId && zoneName ? { hostedZoneId, zoneName } : EXAMPLE_ZONE,
    recordName: context("recordName"),
    certificateArn: context("certificateArn"),
    solutionStackName: context("solutionStackName"),
    source,
    alarmEmail,
  });
  if (!hostedZoneId || !zoneName) {
    Annotations.of(platform).addWarningV2(
      "fastier:exampleZone",
      `no hostedZoneId/zoneName context: using the placeholder zone ${EXAMPLE_ZONE.zoneName}; deploying it will fail`,
    );
  }
  return { app, controlPlane, platform };
}

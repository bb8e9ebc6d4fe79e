import path from "node:path";
import { Aspects, CfnOutput, Duration, FileSystem, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { HttpApi, HttpStage, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import {
  AmazonLinuxCpuType,
  BastionHostLinux,
  InstanceClass,
  InstanceSize,
  InstanceType,
  type IVpc,
  MachineImage,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from "aws-cdk-lib/aws-ec2";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Architecture, Code, Function as LambdaFn, Runtime } from "aws-cdk-lib/aws-lambda";
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
} from "aws-cdk-lib/aws-rds";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import { AdapterPolicies, FASTIER_RESOURCE_SCOPE, type FastierResourceScope } from "./controlPlane/adapterPolicies.ts";
import { DatabaseMigration } from "./controlPlane/databaseMigration.ts";
import {
  API_HANDLER,
  API_TIMEOUT,
  MIGRATE_HANDLER,
  MIGRATE_TIMEOUT,
  WORKER_JOBS,
  type WorkerJob,
  type WorkerJobName,
} from "./controlPlane/workerJobs.ts";
import { assertLambdaBundles } from "./lambdaBundles.ts";
import { FunctionLogRetention, retainedLogGroup } from "./logRetention.ts";
import { DEFAULT_LAMBDA_ASSET_DIR } from "./repoPaths.ts";
import { threeTierVpc } from "./threeTierVpc.ts";

const pascal = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

export interface ControlPlaneStackProps extends StackProps {
  /** Folder holding `api/index.mjs` and `worker/index.mjs` (`npm run build:lambda`); default `dist/lambda`. */
  lambdaAssetDir?: string;
  /** Deploy into this existing VPC (`Vpc.fromLookup`, needs an account and region) instead of a new one. */
  vpcId?: string;
  /** NAT gateways of the new VPC (the Lambdas reach AWS APIs through them). Default 1. */
  natGateways?: number;
  /** Subscribe this address to the alarm topic. */
  alarmEmail?: string;
  /** How Fastier's resources are recognised in IAM conditions; default app=fastier-web, names fastier-*. */
  fastierResources?: FastierResourceScope;
  /** Any new value re-runs the migrations on the next deploy even when the bundles did not change. */
  migrationNonce?: string;
  /**
   * Add a small instance without inbound ports that Session Manager can tunnel through to the
   * database (for `npm run apikey` and psql from an operator's machine). Off by default: then only
   * the functions reach the database.
   */
  bastion?: boolean;
  /** Aurora Serverless v2 capacity range in ACUs. Default 0.5–4. */
  databaseCapacity?: { min: number; max: number };
}

/**
 * The control plane itself: PostgreSQL (Aurora Serverless v2) in private subnets, the API Lambda
 * behind an HTTP API, the worker Lambdas on EventBridge schedules, migrations applied by the
 * deployment, and alarms to an SNS topic.
 */
export class ControlPlaneStack extends Stack {
  readonly vpc: IVpc;
  readonly database: DatabaseCluster;
  readonly api: LambdaFn;
  readonly workers: Record<WorkerJobName, LambdaFn>;
  readonly migrate: LambdaFn;
  readonly migration: DatabaseMigration;
  readonly httpApi: HttpApi;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps = {}) {
    super(scope, id, props);
    const assetDir = path.resolve(props.lambdaAssetDir ?? DEFAULT_LAMBDA_ASSET_DIR);
    assertLambdaBundles(assetDir);
    Aspects.of(this).add(new FunctionLogRetention());

    this.vpc = props.vpcId
      ? Vpc.fromLookup(this, "Vpc", { vpcId: props.vpcId })
      : threeTierVpc(this, { computeName: "app", natGateways: props.natGateways ?? 1 });
    const functionSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    const databaseSubnets: SubnetSelection = {
      subnetType: this.vpc.isolatedSubnets.length > 0 ? SubnetType.PRIVATE_ISOLATED : SubnetType.PRIVATE_WITH_EGRESS,
    };

    // Only the control plane's functions reach the database.
    const functionsSg = new SecurityGroup(this, "FunctionsSecurityGroup", {
      vpc: this.vpc,
      description: "Fastier control plane Lambda functions",
      allowAllOutbound: true,
    });
    const databaseSg = new SecurityGroup(this, "DatabaseSecurityGroup", {
      vpc: this.vpc,
      description: "Fastier control plane PostgreSQL: only from the control plane functions",
      allowAllOutbound: false,
    });
    databaseSg.addIngressRule(functionsSg, Port.tcp(5432), "PostgreSQL from the control plane functions");

    if (props.bastion) {
      const bastion = new BastionHostLinux(this, "Bastion", {
        vpc: this.vpc,
        subnetSelection: functionSubnets,
        instanceType: InstanceType.of(InstanceClass.T4G, InstanceSize.NANO),
        machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
        requireImdsv2: true,
      });
      databaseSg.connections.allowFrom(bastion, Port.tcp(5432), "PostgreSQL from the SSM bastion");
      new CfnOutput(this, "BastionInstanceId", { value: bastion.instanceId });
    }

    const capacity = props.databaseCapacity ?? { min: 0.5, max: 4 };
    this.database = new DatabaseCluster(this, "Database", {
      engine: DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_16_6 }),
      writer: ClusterInstance.serverlessV2("Writer", { publiclyAccessible: false }),
      serverlessV2MinCapacity: capacity.min,
      serverlessV2MaxCapacity: capacity.max,
      credentials: Credentials.fromGeneratedSecret("fastier"),
      defaultDatabaseName: "fastier",
      storageEncrypted: true,
      vpc: this.vpc,
      vpcSubnets: databaseSubnets,
      securityGroups: [databaseSg],
      backup: { retention: Duration.days(7) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    const secret = this.database.secret;
    if (!secret) throw new Error("the database cluster has no generated secret");

    const environment = {
      CLOUD_PROVIDER: "aws",
      DATABASE_SECRET_ARN: secret.secretArn,
      NODE_OPTIONS: "--enable-source-maps",
      // From Node.js 20 Lambda no longer trusts Amazon's CAs by default; the database URL uses
      // sslmode=verify-full, so the RDS certificate authorities come from the runtime's bundle.
      NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
      LOG_LEVEL: "info",
    };
    const apiCode = Code.fromAsset(path.join(assetDir, "api"));
    const workerCode = Code.fromAsset(path.join(assetDir, "worker"));
    const newFunction = (name: string, code: Code, job: Omit<WorkerJob, "every">, extra: { async?: boolean } = {}) => {
      const fn = new LambdaFn(this, name, {
        // Lambda deprecated nodejs20.x on 2026-04-30; the bundles target Node 20 syntax, which 22 runs as is.
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        code,
        handler: job.handler,
        timeout: job.timeout,
        memorySize: job.memoryMiB,
        description: job.description,
        environment,
        vpc: this.vpc,
        vpcSubnets: functionSubnets,
        securityGroups: [functionsSg],
        logGroup: retainedLogGroup(this, `${name}Logs`),
        // A scheduled run that failed is simply retried by the next tick.
        ...(extra.async ? { retryAttempts: 0 } : {}),
      });
      secret.grantRead(fn);
      return fn;
    };

    this.migrate = newFunction("Migrate", workerCode, {
      handler: MIGRATE_HANDLER,
      timeout: MIGRATE_TIMEOUT,
      memoryMiB: 1024,
      description: "Fastier control plane: apply pending database migrations (run by the deployment)",
    });
    this.migration = new DatabaseMigration(this, "Migration", {
      migrateFunction: this.migrate,
      revision: [
        FileSystem.fingerprint(path.join(assetDir, "api")),
        FileSystem.fingerprint(path.join(assetDir, "worker")),
        props.migrationNonce ?? "",
      ].join(":"),
      after: [this.database],
    });

    this.api = newFunction("Api", apiCode, {
      handler: API_HANDLER,
      timeout: API_TIMEOUT,
      memoryMiB: 1024,
      description: "Fastier control plane: REST API",
    });
    this.workers = {
      reconcile: newFunction("Reconcile", workerCode, WORKER_JOBS.reconcile, { async: true }),
      sweep: newFunction("Sweep", workerCode, WORKER_JOBS.sweep, { async: true }),
      sync: newFunction("Sync", workerCode, WORKER_JOBS.sync, { async: true }),
    };
    const migrated = [this.api, ...Object.values(this.workers)];
    for (const fn of migrated) fn.node.addDependency(this.migration.resource);

    // IAM: exactly the adapter's calls (packages/cloud/src/aws/iamActions.ts). The reconciler
    // carries out operations; the API, sweeps and syncs only read.
    const policies = new AdapterPolicies(this, "AdapterPolicies", props.fastierResources ?? FASTIER_RESOURCE_SCOPE);
    for (const fn of migrated) fn.role?.addManagedPolicy(policies.read);
    this.workers.reconcile.role?.addManagedPolicy(policies.write);

    for (const [name, job] of Object.entries(WORKER_JOBS) as [WorkerJobName, WorkerJob][]) {
      new Rule(this, `${pascal(name)}Schedule`, {
        description: `Runs ${job.handler} every ${job.every.toHumanString()}`,
        schedule: Schedule.rate(job.every),
        targets: [new LambdaFunction(this.workers[name], { retryAttempts: 0 })],
      });
    }

    this.httpApi = new HttpApi(this, "HttpApi", {
      description: "Fastier control plane REST API",
      defaultIntegration: new HttpLambdaIntegration("ApiIntegration", this.api),
      createDefaultStage: false,
    });
    const stage = new HttpStage(this, "HttpApiStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(retainedLogGroup(this, "HttpApiAccessLogs")) },
      throttle: { rateLimit: 100, burstLimit: 200 },
    });

    this.alarmTopic = new Topic(this, "AlarmTopic", { displayName: "Fastier control plane alarms" });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new SnsAction(this.alarmTopic));
    const fiveMinutes = { period: Duration.minutes(5), statistic: "Sum" };
    alarm("ApiServerErrorsAlarm", this.httpApi.metricServerError(fiveMinutes), 5, "API answered 5xx 5+ times in 5 min");
    for (const [name, fn] of Object.entries({ ...this.workers, migrate: this.migrate })) {
      alarm(
        `${pascal(name)}ErrorsAlarm`,
        fn.metricErrors(fiveMinutes),
        1,
        `worker ${name} failed in the last 5 minutes`,
      );
    }

    new CfnOutput(this, "ApiUrl", { value: stage.url, description: "Base URL of the control plane API" });
    // The API function serves the dashboard too (its bundle carries the web build), on the same origin.
    new CfnOutput(this, "DashboardUrl", {
      value: stage.url,
      description: "The dashboard: sign in with an API key",
    });
    new CfnOutput(this, "DatabaseSecretArn", { value: secret.secretArn });
    new CfnOutput(this, "DatabaseEndpoint", { value: this.database.clusterEndpoint.hostname });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarmTopic.topicArn });
    new CfnOutput(this, "MigrateFunctionName", { value: this.migrate.functionName });
  }
}

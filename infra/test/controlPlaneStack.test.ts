import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { adapterIamActionNames } from "@fastier/cloud";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { WORKER_JOBS } from "../lib/controlPlane/workerJobs.ts";
import { ControlPlaneStack } from "../lib/controlPlaneStack.ts";
import { LAMBDA_NODE_MAJOR } from "../lib/lambdaBundles.ts";
import {
  ACCEPTED_VALIDATION_RULES,
  actionsOfRole,
  allStatements,
  asArray,
  dependsOn,
  invalidSecurityGroupDescriptions,
  onlyResource,
  props,
  referencedId,
  referencedIds,
  resourceById,
  resourcesOf,
  roleOfFunction,
  validationViolations,
} from "./templateQueries.ts";

const FIXTURE_BUNDLES = path.join(import.meta.dirname, "fixtures/lambda");

// One synth for the whole file: each takes seconds.
const app = new App();
const stack = new ControlPlaneStack(app, "ControlPlaneTest", {
  lambdaAssetDir: FIXTURE_BUNDLES,
  alarmEmail: "ops@fastier.example.com",
});
const template = Template.fromStack(stack);

const functionWithHandler = (handler: string) =>
  onlyResource(template, "AWS::Lambda::Function", (p) => p.Handler === handler)[0];
const SECRET_READ = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"];
const sorted = (values: Iterable<string>) => [...values].sort();

describe("ControlPlaneStack", () => {
  describe("IAM", () => {
    it("gives the reconciler exactly the adapter's actions (from iamActions) and the database secret", () => {
      const actions = actionsOfRole(template, roleOfFunction(template, functionWithHandler("index.reconcile")));
      assert.deepEqual(sorted(actions), sorted([...adapterIamActionNames(), ...SECRET_READ]));
    });

    it("gives the API, sweep and sync exactly the adapter's read actions", () => {
      for (const handler of ["index.handler", "index.sweep", "index.sync"]) {
        const actions = actionsOfRole(template, roleOfFunction(template, functionWithHandler(handler)));
        assert.deepEqual(
          sorted(actions),
          sorted([...adapterIamActionNames({ mutates: false }), ...SECRET_READ]),
          handler,
        );
      }
    });

    it("gives the migrate function no AWS actions beyond the database secret", () => {
      const actions = actionsOfRole(template, roleOfFunction(template, functionWithHandler("index.migrate")));
      assert.deepEqual(sorted(actions), SECRET_READ);
    });

    it("scopes every mutating action to resource ARNs (never `*`), groups by tag", () => {
      const mutating = new Set(adapterIamActionNames({ mutates: true }));
      const granted = new Set<string>();
      for (const { policy, statement } of allStatements(template)) {
        const actions = asArray(statement.Action).filter((action) => mutating.has(action));
        if (actions.length === 0) continue;
        for (const action of actions) granted.add(action);
        const resources = asArray(statement.Resource);
        assert.ok(resources.length > 0, `${policy}: ${actions.join(", ")} without resources`);
        for (const resource of resources) {
          assert.notEqual(resource, "*", `${policy}: ${actions.join(", ")} on *`);
          const text = JSON.stringify(resource);
          assert.match(text, /:(autoscaling|ec2|elasticbeanstalk|rds|codepipeline):/, `${policy}: ${text}`);
        }
        if (actions.some((action) => action.startsWith("autoscaling:") || action.startsWith("ec2:"))) {
          assert.deepEqual(statement.Condition, { StringEquals: { "aws:ResourceTag/app": "fastier-web" } });
        }
        if (actions.some((action) => action.startsWith("elasticbeanstalk:"))) {
          assert.ok(
            resources.every((resource) =>
              /:(environment|configurationtemplate|applicationversion)\/fastier-web\/\*/.test(JSON.stringify(resource)),
            ),
            `${actions.join(", ")}: not limited to the fastier-web application's environments, templates and versions`,
          );
        }
        // The one delete is of a DR drill's scratch instance: by its name and its tag, never a database.
        if (actions.includes("rds:DeleteDBInstance")) {
          assert.deepEqual(actions, ["rds:DeleteDBInstance"], `${policy}: the delete shares its statement`);
          assert.ok(resources.every((resource) => JSON.stringify(resource).includes(":db:fastier-*-drill-*")));
          assert.deepEqual(statement.Condition, { StringLike: { "aws:ResourceTag/fastier:dr-drill": "*" } });
        }
        if (actions.some((action) => action.startsWith("rds:") || action.startsWith("codepipeline:"))) {
          assert.ok(
            resources.some((resource) => JSON.stringify(resource).includes(":fastier-*")),
            `${actions.join(", ")}: not limited to fastier-* names`,
          );
        }
      }
      assert.deepEqual(sorted(granted), sorted(mutating), "every mutating action is granted somewhere");
    });

    it("grants `*` only for the adapter's reads", () => {
      const reads = new Set(adapterIamActionNames({ mutates: false }));
      for (const { policy, statement } of allStatements(template)) {
        if (!asArray(statement.Resource).includes("*")) continue;
        for (const action of asArray(statement.Action)) {
          // CDK's own default-security-group handler and ENI management live in their own roles.
          if (policy.startsWith("CustomVpcRestrictDefaultSG")) continue;
          assert.ok(reads.has(action), `${policy}: ${action} on *`);
        }
      }
    });
  });

  describe("functions", () => {
    const ours = ["index.handler", "index.reconcile", "index.sweep", "index.sync", "index.migrate"];

    it("runs the API and worker bundles on Node.js 22 in the VPC with the control plane's environment", () => {
      for (const handler of ours) {
        const fn = props(resourceById(template, functionWithHandler(handler)));
        assert.equal(fn.Runtime, `nodejs${LAMBDA_NODE_MAJOR}.x`, handler);
        assert.ok(fn.VpcConfig, `${handler} is not in the VPC`);
        const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
        assert.equal(variables.CLOUD_PROVIDER, "aws");
        assert.equal(variables.NODE_OPTIONS, "--enable-source-maps");
        assert.ok(referencedId(variables.DATABASE_SECRET_ARN), `${handler}: DATABASE_SECRET_ARN`);
      }
    });

    it("sets a log retention on every function, CDK's own included", () => {
      const functions = resourcesOf(template, "AWS::Lambda::Function");
      assert.ok(functions.length >= ours.length + 1);
      for (const [id, fn] of functions) {
        const logGroup = referencedId((props(fn).LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
        assert.ok(logGroup, `${id} has no log group`);
        assert.equal(props(resourceById(template, logGroup)).RetentionInDays, 30, id);
      }
    });

    it("sizes each timeout to its schedule and the API to API Gateway's 30 s", () => {
      const timeout = (handler: string) => props(resourceById(template, functionWithHandler(handler))).Timeout;
      assert.ok((timeout("index.handler") as number) < 30);
      for (const job of Object.values(WORKER_JOBS)) {
        const seconds = timeout(job.handler) as number;
        assert.equal(seconds, job.timeout.toSeconds(), job.handler);
        assert.ok(seconds <= job.every.toSeconds(), `${job.handler} runs longer than its interval`);
      }
      // The reconciler stops 10 s before its timeout (RECONCILE_SAFETY_MARGIN_MS): it must have time to work.
      assert.ok((timeout("index.reconcile") as number) > 10);
    });
  });

  it("schedules reconcile every minute, sweep every 5 minutes and sync hourly", () => {
    const schedules = new Map<string, string>();
    for (const [, rule] of resourcesOf(template, "AWS::Events::Rule")) {
      const target = asArray(props(rule).Targets as { Arn: unknown }[])[0];
      const handler = props(resourceById(template, referencedId(target?.Arn) ?? "")).Handler as string;
      schedules.set(handler, props(rule).ScheduleExpression as string);
    }
    assert.deepEqual(Object.fromEntries(schedules), {
      "index.reconcile": "rate(1 minute)",
      "index.sweep": "rate(5 minutes)",
      "index.sync": "rate(1 hour)",
    });
  });

  describe("database", () => {
    it("is encrypted Aurora PostgreSQL with generated credentials, not publicly accessible", () => {
      const [, cluster] = onlyResource(template, "AWS::RDS::DBCluster");
      assert.equal(props(cluster).Engine, "aurora-postgresql");
      assert.equal(props(cluster).StorageEncrypted, true);
      assert.equal(props(cluster).DeletionProtection, true);
      assert.ok(JSON.stringify(props(cluster).MasterUserPassword).includes("resolve:secretsmanager"));
      const [, secret] = onlyResource(template, "AWS::SecretsManager::Secret");
      assert.ok(props(secret).GenerateSecretString, "the password is generated");
      for (const [id, instance] of resourcesOf(template, "AWS::RDS::DBInstance")) {
        assert.equal(props(instance).PubliclyAccessible, false, id);
      }
    });

    it("sits in the isolated subnets and admits only the functions' security group", () => {
      const [, subnetGroup] = onlyResource(template, "AWS::RDS::DBSubnetGroup");
      const subnets = asArray(props(subnetGroup).SubnetIds as unknown[]).map(referencedId);
      assert.equal(subnets.length, 2);
      for (const subnet of subnets) assert.match(subnet ?? "", /^Vpcdata/);

      const [, cluster] = onlyResource(template, "AWS::RDS::DBCluster");
      const databaseSg = referencedId(asArray(props(cluster).VpcSecurityGroupIds as unknown[])[0]);
      const functionSgs = new Set(
        ["index.handler", "index.reconcile", "index.sweep", "index.sync", "index.migrate"].flatMap((handler) =>
          [
            ...referencedIds(
              (props(resourceById(template, functionWithHandler(handler))).VpcConfig as Record<string, unknown>)
                .SecurityGroupIds,
            ),
          ].filter((id) => !id.startsWith("AWS::")),
        ),
      );
      assert.equal(functionSgs.size, 1);
      const ingress = resourcesOf(template, "AWS::EC2::SecurityGroupIngress").filter(
        ([, rule]) => referencedId(props(rule).GroupId) === databaseSg,
      );
      assert.equal(ingress.length, 1);
      assert.equal(referencedId(props(ingress[0]?.[1] ?? { Type: "" }).SourceSecurityGroupId), [...functionSgs][0]);
      assert.equal(props(ingress[0]?.[1] ?? { Type: "" }).FromPort, 5432);
      const inline = props(resourceById(template, databaseSg ?? "")).SecurityGroupIngress;
      assert.equal(inline, undefined, "no inline (CIDR) ingress on the database");
    });
  });

  it("spreads the VPC over two availability zones with private subnets that have egress", () => {
    const zones = new Set(
      resourcesOf(template, "AWS::EC2::Subnet").map(([, subnet]) => JSON.stringify(props(subnet).AvailabilityZone)),
    );
    assert.equal(zones.size, 2);
    const routes = resourcesOf(template, "AWS::EC2::Route").filter(([, route]) => props(route).NatGatewayId);
    assert.equal(routes.length, 2, "both app subnets route out through NAT");
  });

  it("serves the API through an HTTP API integrated with the API function", () => {
    const [, api] = onlyResource(template, "AWS::ApiGatewayV2::Api");
    assert.equal(props(api).ProtocolType, "HTTP");
    const [, integration] = onlyResource(template, "AWS::ApiGatewayV2::Integration");
    assert.equal(props(integration).IntegrationType, "AWS_PROXY");
    assert.equal(referencedId(props(integration).IntegrationUri), functionWithHandler("index.handler"));
  });

  it("alarms on API 5xx and on every worker's errors, to the SNS topic", () => {
    const [topicId] = onlyResource(template, "AWS::SNS::Topic");
    const alarms = resourcesOf(template, "AWS::CloudWatch::Alarm").map(([, alarm]) => props(alarm));
    for (const alarm of alarms) assert.deepEqual(asArray(alarm.AlarmActions as unknown[]).map(referencedId), [topicId]);
    assert.ok(alarms.some((alarm) => alarm.Namespace === "AWS/ApiGateway" && alarm.MetricName === "5xx"));
    const erroring = alarms
      .filter((alarm) => alarm.Namespace === "AWS/Lambda" && alarm.MetricName === "Errors")
      .map((alarm) => (alarm.Dimensions as { Value: unknown }[]).map((d) => referencedId(d.Value))[0]);
    for (const handler of ["index.reconcile", "index.sweep", "index.sync", "index.migrate"]) {
      assert.ok(erroring.includes(functionWithHandler(handler)), `no error alarm for ${handler}`);
    }
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@fastier.example.com",
    });
  });

  describe("migrations", () => {
    const [migrationId, migration] = onlyResource(template, "Custom::FastierMigrations");

    it("run through a custom resource whose provider invokes the worker bundle's index.migrate", () => {
      const providerFn = referencedId(props(migration).ServiceToken) ?? "";
      const variables = (
        props(resourceById(template, providerFn)).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      assert.equal(referencedId(variables.USER_ON_EVENT_FUNCTION_ARN), functionWithHandler("index.migrate"));
      assert.ok(typeof props(migration).Revision === "string" && (props(migration).Revision as string).length > 64);
    });

    it("after the database exists, and before the API and the workers are deployed", () => {
      const [clusterId] = onlyResource(template, "AWS::RDS::DBCluster");
      assert.ok(dependsOn(migration).includes(clusterId));
      for (const handler of ["index.handler", "index.reconcile", "index.sweep", "index.sync"]) {
        const fn = resourceById(template, functionWithHandler(handler));
        assert.ok(dependsOn(fn).includes(migrationId), `${handler} does not wait for the migrations`);
      }
    });
  });

  it("passes CDK's CloudFormation validation and EC2's description rules", () => {
    const violations = validationViolations(app).filter((violation) => !ACCEPTED_VALIDATION_RULES.has(violation.rule));
    assert.deepEqual(violations, []);
    assert.deepEqual(invalidSecurityGroupDescriptions(template), []);
  });

  it("deploys the dashboard with the API: the API function's asset carries it, served at the API's URL", () => {
    const outputs = template.findOutputs("*");
    assert.ok(outputs.DashboardUrl, "a DashboardUrl output");
    assert.deepEqual(outputs.DashboardUrl.Value, outputs.ApiUrl?.Value, "the dashboard is on the API's origin");
    // Every request, GET / and the page's assets included, reaches the API function.
    const routes = resourcesOf(template, "AWS::ApiGatewayV2::Route").map(([, route]) => props(route).RouteKey);
    assert.deepEqual(routes, ["$default"]);
    const withoutDashboard = mkdtempSync(path.join(tmpdir(), "fastier-no-dashboard-"));
    for (const file of ["api/index.mjs", "worker/index.mjs"]) {
      mkdirSync(path.dirname(path.join(withoutDashboard, file)), { recursive: true });
      writeFileSync(path.join(withoutDashboard, file), "export const handler = async () => ({});\n");
    }
    assert.throws(
      () => new ControlPlaneStack(new App(), "NoDashboard", { lambdaAssetDir: withoutDashboard }),
      /api[/\\]web[/\\]index\.html.*npm run build:lambda/s,
    );
  });

  it("refuses to synthesise without the Lambda bundles, naming the build command", () => {
    const empty = mkdtempSync(path.join(tmpdir(), "fastier-no-bundles-"));
    assert.throws(
      () => new ControlPlaneStack(new App(), "NoBundles", { lambdaAssetDir: empty }),
      /api[/\\]index\.mjs.*npm run build:lambda/s,
    );
  });
});

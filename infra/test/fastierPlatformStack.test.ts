import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { InstanceType, Vpc } from "aws-cdk-lib/aws-ec2";
import { Topic } from "aws-cdk-lib/aws-sns";
import { FastierPlatformStack } from "../lib/fastierPlatformStack.ts";
import { MEMORY_EBEXTENSION_PATH } from "../lib/platform/memoryEbextension.ts";
import { PlatformDatabase } from "../lib/platform/platformDatabase.ts";
import { WebPipeline } from "../lib/platform/webPipeline.ts";
import {
  ACCEPTED_VALIDATION_RULES,
  asArray,
  dependsOn,
  invalidSecurityGroupDescriptions,
  onlyResource,
  props,
  referencedId,
  referencedIds,
  resourceById,
  resourcesOf,
  validationViolations,
} from "./templateQueries.ts";

// One synth for the whole file: each takes seconds.
const app = new App();
const stack = new FastierPlatformStack(app, "PlatformTest", {
  hostedZone: { hostedZoneId: "Z123EXAMPLE", zoneName: "fastier.example.com" },
});
const template = Template.fromStack(stack);

const [primaryId, primary] = onlyResource(template, "AWS::RDS::DBInstance", (p) => !p.SourceDBInstanceIdentifier);
const [replicaId, replica] = onlyResource(template, "AWS::RDS::DBInstance", (p) => !!p.SourceDBInstanceIdentifier);
const [environmentId, environment] = onlyResource(template, "AWS::ElasticBeanstalk::Environment");

interface OptionSetting {
  Namespace: string;
  OptionName: string;
  Value: unknown;
}
const optionSettings = asArray(props(environment).OptionSettings as OptionSetting[]);
function option(namespace: string, name: string): unknown {
  const found = optionSettings.filter((o) => o.Namespace === namespace && o.OptionName === name);
  assert.equal(found.length, 1, `option ${namespace} ${name}`);
  return found[0]?.Value;
}

interface BuildSpec {
  phases: Record<string, { commands?: string[] }>;
}
/** The .ebextensions file the pipeline's build writes into every bundle, decoded from the buildspec. */
function memoryEbextension(): Record<string, Record<string, unknown>> {
  const [, project] = onlyResource(template, "AWS::CodeBuild::Project");
  const buildSpec = JSON.parse((props(project).Source as { BuildSpec: string }).BuildSpec) as BuildSpec;
  const commands = Object.values(buildSpec.phases).flatMap((phase) => phase.commands ?? []);
  const write = commands.find((command) => command.endsWith(`> ${MEMORY_EBEXTENSION_PATH}`));
  assert.ok(write, "the build writes the memory config file");
  const base64 = /^echo (\S+) \| base64 -d/.exec(write)?.[1] ?? "";
  return JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
}

describe("FastierPlatformStack", () => {
  describe("RDS PostgreSQL", () => {
    it("is Multi-AZ, encrypted, backed up for 7+ days, protected from deletion and private", () => {
      const p = props(primary);
      assert.equal(p.Engine, "postgres");
      assert.equal(p.DBInstanceIdentifier, "fastier-db");
      assert.equal(p.MultiAZ, true);
      assert.equal(p.StorageEncrypted, true);
      assert.ok(Number(p.BackupRetentionPeriod) >= 7, `backup retention ${p.BackupRetentionPeriod}`);
      assert.equal(p.DeletionProtection, true);
      assert.equal(p.PubliclyAccessible, false);
      assert.ok(JSON.stringify(p.MasterUserPassword).includes("resolve:secretsmanager"), "generated password");
    });

    it("has a private read replica of the primary, encrypted because its source is", () => {
      const p = props(replica);
      assert.equal(p.DBInstanceIdentifier, "fastier-db-replica");
      assert.ok(referencedIds(p.SourceDBInstanceIdentifier).has(primaryId), "the replica's source is the primary");
      assert.equal(p.PubliclyAccessible, false);
      // CloudFormation inherits encryption from the source and rejects StorageEncrypted beside it.
      assert.equal(p.StorageEncrypted, undefined);
      assert.equal(props(primary).StorageEncrypted, true);
    });

    it("keeps both instances in isolated subnets, reachable only from the web instances", () => {
      const instances = [
        [primaryId, primary],
        [replicaId, replica],
      ] as const;
      for (const [id, instance] of instances) {
        const subnetGroup = props(resourceById(template, referencedId(props(instance).DBSubnetGroupName) ?? ""));
        const subnets = asArray(subnetGroup.SubnetIds as unknown[]).map(referencedId);
        assert.equal(subnets.length, 2, id);
        for (const subnet of subnets) assert.match(subnet ?? "", /^Vpcdata/, id);
      }
      const databaseSg = referencedId(asArray(props(primary).VPCSecurityGroups as unknown[])[0]);
      const ingress = resourcesOf(template, "AWS::EC2::SecurityGroupIngress").filter(
        ([, rule]) => referencedId(props(rule).GroupId) === databaseSg,
      );
      assert.equal(ingress.length, 1);
      const source = referencedId(props(ingress[0]?.[1] ?? { Type: "" }).SourceSecurityGroupId);
      assert.ok(referencedIds(option("aws:autoscaling:launchconfiguration", "SecurityGroups")).has(source ?? ""));
    });

    it("refuses a backup retention under 7 days", () => {
      const scratch = new Stack(new App(), "Scratch");
      assert.throws(
        () =>
          new PlatformDatabase(scratch, "Db", {
            vpc: new Vpc(scratch, "Vpc"),
            primaryIdentifier: "fastier-db",
            replicaIdentifier: "fastier-db-replica",
            instanceType: new InstanceType("t4g.large"),
            backupRetentionDays: 3,
            alarmTopic: new Topic(scratch, "Topic"),
          }),
        /7 to 35/,
      );
    });
  });

  describe("Elastic Beanstalk", () => {
    it("runs a load-balanced Python environment behind an ALB", () => {
      assert.match(String(props(environment).SolutionStackName), /Python/);
      assert.equal(option("aws:elasticbeanstalk:environment", "EnvironmentType"), "LoadBalanced");
      assert.equal(option("aws:elasticbeanstalk:environment", "LoadBalancerType"), "application");
      assert.equal(option("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath"), "/healthz");
      const [applicationId] = onlyResource(template, "AWS::ElasticBeanstalk::Application");
      assert.ok(dependsOn(environment).includes(applicationId));
    });

    it("keeps 2 to 6 instances in an Auto Scaling group across two AZs, in private subnets", () => {
      assert.equal(option("aws:autoscaling:asg", "MinSize"), "2");
      assert.equal(option("aws:autoscaling:asg", "MaxSize"), "6");
      assert.equal(option("aws:autoscaling:asg", "Availability Zones"), "Any 2");
      const subnets = [...referencedIds(option("aws:ec2:vpc", "Subnets"))];
      assert.equal(subnets.length, 2);
      for (const subnet of subnets) assert.match(subnet, /^Vpcweb/);
      const elbSubnets = [...referencedIds(option("aws:ec2:vpc", "ELBSubnets"))];
      assert.equal(elbSubnets.length, 2);
      for (const subnet of elbSubnets) assert.match(subnet, /^Vpcpublic/);
      assert.equal(option("aws:ec2:vpc", "AssociatePublicIpAddress"), "false");
    });

    it("deploys without losing capacity", () => {
      assert.ok(
        ["RollingWithAdditionalBatch", "Immutable"].includes(
          String(option("aws:elasticbeanstalk:command", "DeploymentPolicy")),
        ),
      );
      assert.equal(option("aws:elasticbeanstalk:healthreporting:system", "SystemType"), "enhanced");
    });

    it("is tagged app=fastier-web, the tag the control plane's scaling permissions require", () => {
      const tags = asArray(props(environment).Tags as { Key: string; Value: string }[]);
      assert.ok(tags.some((tag) => tag.Key === "app" && tag.Value === "fastier-web"));
    });
  });

  describe("memory", () => {
    const config = memoryEbextension();

    it("has the CloudWatch agent publish mem_used_percent with AutoScalingGroupName and InstanceId", () => {
      const files = Object.values(config.files ?? {}) as { content: string }[];
      const agent = JSON.parse(files[0]?.content ?? "{}");
      assert.equal(agent.metrics.namespace, "CWAgent");
      assert.deepEqual(agent.metrics.metrics_collected.mem.measurement, ["mem_used_percent"]);
      assert.deepEqual(Object.keys(agent.metrics.append_dimensions).sort(), ["AutoScalingGroupName", "InstanceId"]);
      assert.deepEqual(agent.metrics.aggregation_dimensions, [["AutoScalingGroupName"], ["InstanceId"]]);
      const commands = JSON.stringify(config.container_commands);
      assert.match(commands, /amazon-cloudwatch-agent-ctl -a append-config/);
    });

    it("tracks 65% memory on the Beanstalk group and alarms on it to the topic", () => {
      const resources = config.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
      const policy = Object.values(resources).find((r) => r.Type === "AWS::AutoScaling::ScalingPolicy");
      const tracking = policy?.Properties.TargetTrackingConfiguration as Record<string, unknown>;
      assert.equal(policy?.Properties.PolicyType, "TargetTrackingScaling");
      assert.deepEqual(policy?.Properties.AutoScalingGroupName, { Ref: "AWSEBAutoScalingGroup" });
      assert.equal(tracking.TargetValue, 65);
      const metric = tracking.CustomizedMetricSpecification as Record<string, unknown>;
      assert.equal(metric.Namespace, "CWAgent");
      assert.equal(metric.MetricName, "mem_used_percent");
      assert.deepEqual(metric.Dimensions, [{ Name: "AutoScalingGroupName", Value: { Ref: "AWSEBAutoScalingGroup" } }]);

      const alarm = Object.values(resources).find((r) => r.Type === "AWS::CloudWatch::Alarm")?.Properties ?? {};
      assert.equal(alarm.Namespace, "CWAgent");
      assert.equal(alarm.MetricName, "mem_used_percent");
      assert.deepEqual(alarm.Dimensions, [{ Name: "AutoScalingGroupName", Value: { Ref: "AWSEBAutoScalingGroup" } }]);
      assert.equal(alarm.Threshold, 85);
      // The topic reaches the config file through an option setting of the environment.
      const [topicId] = onlyResource(template, "AWS::SNS::Topic");
      assert.equal(referencedId(option("aws:elasticbeanstalk:customoption", "FastierMemoryAlarmTopicArn")), topicId);
    });
  });

  it("keeps static assets in a private, encrypted, TLS-only bucket behind CloudFront with origin access control", () => {
    const [distributionId, distribution] = onlyResource(template, "AWS::CloudFront::Distribution");
    const config = props(distribution).DistributionConfig as Record<string, unknown>;
    const origin = asArray(config.Origins as Record<string, unknown>[])[0] ?? {};
    assert.ok(referencedId(origin.OriginAccessControlId), "origin access control");
    assert.equal((config.DefaultCacheBehavior as Record<string, unknown>).ViewerProtocolPolicy, "redirect-to-https");
    const bucketId = [...referencedIds(origin.DomainName)][0] ?? "";
    const bucket = props(resourceById(template, bucketId));
    assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.ok(bucket.BucketEncryption, "encrypted at rest");
    const [, policy] = onlyResource(template, "AWS::S3::BucketPolicy", (p) => referencedId(p.Bucket) === bucketId);
    const statements = asArray((props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    assert.ok(
      statements.some(
        (s) => s.Effect === "Deny" && JSON.stringify(s.Condition).includes('"aws:SecureTransport":"false"'),
      ),
      "TLS enforced",
    );
    assert.ok(JSON.stringify(statements).includes(distributionId), "reads limited to the distribution");
    for (const [id, other] of resourcesOf(template, "AWS::S3::Bucket")) {
      assert.ok(props(other).BucketEncryption, `${id} is encrypted`);
      assert.ok(props(other).PublicAccessBlockConfiguration, `${id} blocks public access`);
    }
  });

  it("builds and deploys with a V2 CodePipeline: source, CodeBuild, Elastic Beanstalk (rolled back on failure)", () => {
    const [, pipeline] = onlyResource(template, "AWS::CodePipeline::Pipeline");
    const p = props(pipeline);
    assert.equal(p.Name, "fastier-web-pipeline");
    assert.equal(p.PipelineType, "V2");
    const stages = p.Stages as {
      Name: string;
      Actions: { ActionTypeId: { Provider: string }; Configuration?: Record<string, unknown> }[];
      OnFailure?: unknown;
    }[];
    assert.deepEqual(
      stages.map((stage) => [stage.Name, stage.Actions.map((action) => action.ActionTypeId.Provider)]),
      [
        ["Source", ["S3"]],
        ["Build", ["CodeBuild"]],
        ["Deploy", ["ElasticBeanstalk"]],
      ],
    );
    assert.deepEqual(stages[2]?.Actions[0]?.Configuration, {
      ApplicationName: "fastier-web",
      EnvironmentName: "fastier-prod",
    });
    assert.deepEqual(stages[2]?.OnFailure, { Result: "ROLLBACK" });
    assert.ok(dependsOn(pipeline).includes(environmentId), "the first run deploys to an existing environment");
  });

  it("refuses a repository source that is not owner/name", () => {
    const scratch = new Stack(new App(), "Scratch");
    assert.throws(
      () =>
        new WebPipeline(scratch, "Pipeline", {
          pipelineName: "fastier-web-pipeline",
          applicationName: "fastier-web",
          environmentName: "fastier-prod",
          source: {
            kind: "connection",
            connectionArn: "arn:aws:codeconnections:us-east-1:1:connection/x",
            repository: "fastier",
            branch: "main",
          },
          pythonVersion: "3.12",
          memoryEbextensionBase64: "",
          after: [],
        }),
      /owner\/name/,
    );
  });

  it("points a Route 53 name at the environment's CNAME with a health check on the health path", () => {
    const [healthCheckId, healthCheck] = onlyResource(template, "AWS::Route53::HealthCheck");
    const config = props(healthCheck).HealthCheckConfig as Record<string, unknown>;
    assert.equal(config.Type, "HTTP");
    assert.equal(config.ResourcePath, "/healthz");
    assert.match(JSON.stringify(config.FullyQualifiedDomainName), /elasticbeanstalk\.com/);
    const [, record] = onlyResource(template, "AWS::Route53::RecordSet");
    const r = props(record);
    assert.equal(r.Type, "CNAME");
    assert.equal(r.HostedZoneId, "Z123EXAMPLE");
    assert.equal(r.Name, "app.fastier.example.com.");
    assert.equal(referencedId(r.HealthCheckId), healthCheckId);
    const alarms = resourcesOf(template, "AWS::CloudWatch::Alarm").filter(
      ([, alarm]) => props(alarm).MetricName === "HealthCheckStatus",
    );
    assert.equal(alarms.length, 1);
    assert.ok(alarms[0]?.[1].Condition, "only where Route 53 publishes its metrics (us-east-1)");
  });

  it("spreads the VPC over two availability zones", () => {
    const zones = new Set(
      resourcesOf(template, "AWS::EC2::Subnet").map(([, subnet]) => JSON.stringify(props(subnet).AvailabilityZone)),
    );
    assert.equal(zones.size, 2);
    assert.equal(resourcesOf(template, "AWS::EC2::NatGateway").length, 2, "one NAT gateway per AZ");
  });

  it("alarms on replica lag and sets a log retention on every function and the build", () => {
    const alarms = resourcesOf(template, "AWS::CloudWatch::Alarm").map(([, alarm]) => props(alarm));
    assert.ok(alarms.some((alarm) => alarm.MetricName === "ReplicaLag"));
    for (const [id, fn] of resourcesOf(template, "AWS::Lambda::Function")) {
      const logGroup = referencedId((props(fn).LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
      assert.equal(props(resourceById(template, logGroup ?? "")).RetentionInDays, 30, id);
    }
    const [, project] = onlyResource(template, "AWS::CodeBuild::Project");
    const buildLogs = referencedId(
      (props(project).LogsConfig as { CloudWatchLogs: { GroupName: unknown } }).CloudWatchLogs.GroupName,
    );
    assert.equal(props(resourceById(template, buildLogs ?? "")).RetentionInDays, 30);
  });

  it("passes CDK's CloudFormation validation and EC2's description rules", () => {
    const violations = validationViolations(app).filter((violation) => !ACCEPTED_VALIDATION_RULES.has(violation.rule));
    assert.deepEqual(violations, []);
    assert.deepEqual(invalidSecurityGroupDescriptions(template), []);
  });
});

import { Aws, Fn } from "aws-cdk-lib";
import { type IVpc, SecurityGroup, SubnetType } from "aws-cdk-lib/aws-ec2";
import { CfnApplication, CfnEnvironment } from "aws-cdk-lib/aws-elasticbeanstalk";
import { CfnInstanceProfile, ManagedPolicy, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { MEMORY_ALARM_TOPIC_OPTION } from "./memoryEbextension.ts";

export type DeploymentPolicy = "RollingWithAdditionalBatch" | "Immutable";

export interface BeanstalkEnvironmentProps {
  vpc: IVpc;
  applicationName: string;
  environmentName: string;
  /** Prefix of the environment's `<prefix>.<region>.elasticbeanstalk.com` name (what DNS points at). */
  cnamePrefix: string;
  /** e.g. "64bit Amazon Linux 2023 v4.9.0 running Python 3.12"; see `aws elasticbeanstalk list-available-solution-stacks`. */
  solutionStackName: string;
  instanceTypes: string;
  minInstances: number;
  maxInstances: number;
  healthCheckPath: string;
  deploymentPolicy: DeploymentPolicy;
  /** An ACM certificate in this region: adds an HTTPS listener (TLS terminates at the load balancer). */
  certificateArn?: string;
  /** Environment properties the app reads (database secret, hosts, static URL). */
  appEnvironment: Record<string, string>;
  memoryAlarmTopicArn: string;
}

type OptionSetting = CfnEnvironment.OptionSettingProperty;
const option = (namespace: string, optionName: string, value: string | number | boolean): OptionSetting => ({
  namespace,
  optionName,
  value: String(value),
});

/**
 * The web app on Elastic Beanstalk's Python platform: load balanced (ALB), an Auto Scaling group
 * of 2–6 instances across two AZs in private subnets, enhanced health, managed platform updates,
 * logs streamed to CloudWatch, and health-checked deployments.
 */
export class BeanstalkEnvironment extends Construct {
  readonly application: CfnApplication;
  readonly environment: CfnEnvironment;
  readonly instanceRole: Role;
  /** Attached to every instance (in addition to Beanstalk's own): the database admits this one. */
  readonly instanceSecurityGroup: SecurityGroup;
  /** `<cnamePrefix>.<region>.elasticbeanstalk.com`. */
  readonly cname: string;

  constructor(scope: Construct, id: string, props: BeanstalkEnvironmentProps) {
    super(scope, id);
    if (props.minInstances < 2) throw new Error("minInstances must be at least 2 (one per availability zone)");

    this.instanceRole = new Role(this, "InstanceRole", {
      assumedBy: new ServicePrincipal("ec2.amazonaws.com"),
      description: "Fastier web instances (Elastic Beanstalk)",
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName("AWSElasticBeanstalkWebTier"),
        // The CloudWatch agent publishes mem_used_percent.
        ManagedPolicy.fromAwsManagedPolicyName("CloudWatchAgentServerPolicy"),
        // Session Manager instead of SSH keys.
        ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"),
      ],
    });
    const instanceProfile = new CfnInstanceProfile(this, "InstanceProfile", { roles: [this.instanceRole.roleName] });
    const serviceRole = new Role(this, "ServiceRole", {
      assumedBy: new ServicePrincipal("elasticbeanstalk.amazonaws.com"),
      description: "Elastic Beanstalk service role for the Fastier environment",
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSElasticBeanstalkEnhancedHealth"),
        ManagedPolicy.fromAwsManagedPolicyName("AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy"),
      ],
    });
    this.instanceSecurityGroup = new SecurityGroup(this, "InstanceSecurityGroup", {
      vpc: props.vpc,
      description: "Fastier web instances",
      allowAllOutbound: true,
    });

    this.application = new CfnApplication(this, "Application", {
      applicationName: props.applicationName,
      description: "Fastier web app and API (Python/Flask)",
    });

    const subnetIds = (type: SubnetType) => props.vpc.selectSubnets({ subnetType: type }).subnetIds.join(",");
    const immutable = props.deploymentPolicy === "Immutable";
    const settings: OptionSetting[] = [
      option("aws:elasticbeanstalk:environment", "EnvironmentType", "LoadBalanced"),
      option("aws:elasticbeanstalk:environment", "LoadBalancerType", "application"),
      option("aws:elasticbeanstalk:environment", "ServiceRole", serviceRole.roleArn),
      // Network: instances in private subnets of both AZs, the load balancer in the public ones.
      option("aws:ec2:vpc", "VPCId", props.vpc.vpcId),
      option("aws:ec2:vpc", "Subnets", subnetIds(SubnetType.PRIVATE_WITH_EGRESS)),
      option("aws:ec2:vpc", "ELBSubnets", subnetIds(SubnetType.PUBLIC)),
      option("aws:ec2:vpc", "ELBScheme", "public"),
      option("aws:ec2:vpc", "AssociatePublicIpAddress", false),
      option("aws:autoscaling:launchconfiguration", "IamInstanceProfile", instanceProfile.ref),
      option("aws:autoscaling:launchconfiguration", "SecurityGroups", this.instanceSecurityGroup.securityGroupId),
      option("aws:autoscaling:launchconfiguration", "DisableIMDSv1", true),
      option("aws:ec2:instances", "InstanceTypes", props.instanceTypes),
      // The Auto Scaling group: 2+ instances across two AZs.
      option("aws:autoscaling:asg", "MinSize", props.minInstances),
      option("aws:autoscaling:asg", "MaxSize", props.maxInstances),
      option("aws:autoscaling:asg", "Availability Zones", "Any 2"),
      // Beanstalk's trigger only takes its built-in metrics, so it scales on CPU here; memory
      // target tracking (CWAgent mem_used_percent) comes from the .ebextensions file the pipeline
      // adds (memoryEbextension.ts). With both, Auto Scaling follows whichever asks for more.
      option("aws:autoscaling:trigger", "MeasureName", "CPUUtilization"),
      option("aws:autoscaling:trigger", "Statistic", "Average"),
      option("aws:autoscaling:trigger", "Unit", "Percent"),
      option("aws:autoscaling:trigger", "UpperThreshold", 70),
      option("aws:autoscaling:trigger", "LowerThreshold", 25),
      // Load balancer health checks decide which instances get traffic and when a deploy is healthy.
      option("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath", props.healthCheckPath),
      option("aws:elasticbeanstalk:environment:process:default", "MatcherHTTPCode", "200"),
      option("aws:elasticbeanstalk:environment:process:default", "HealthCheckInterval", 15),
      option("aws:elasticbeanstalk:environment:process:default", "HealthyThresholdCount", 3),
      option("aws:elasticbeanstalk:environment:process:default", "UnhealthyThresholdCount", 5),
      option("aws:elasticbeanstalk:environment:process:default", "DeregistrationTimeout", 20),
      option("aws:autoscaling:asg", "Cooldown", 300),
      // Deployments never take capacity away: an extra batch, or a whole new group (immutable).
      option("aws:elasticbeanstalk:command", "DeploymentPolicy", props.deploymentPolicy),
      option("aws:elasticbeanstalk:command", "BatchSizeType", "Fixed"),
      option("aws:elasticbeanstalk:command", "BatchSize", 1),
      option("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateEnabled", true),
      option("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType", immutable ? "Immutable" : "Health"),
      option("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
      option("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", true),
      option("aws:elasticbeanstalk:managedactions", "PreferredStartTime", "Sun:04:00"),
      option("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel", "minor"),
      option("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", true),
      option("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays", 30),
      option("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate", false),
      option("aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled", true),
      option("aws:elasticbeanstalk:cloudwatch:logs:health", "RetentionInDays", 30),
      option(MEMORY_ALARM_TOPIC_OPTION.namespace, MEMORY_ALARM_TOPIC_OPTION.optionName, props.memoryAlarmTopicArn),
      ...Object.entries(props.appEnvironment).map(([name, value]) =>
        option("aws:elasticbeanstalk:application:environment", name, value),
      ),
    ];
    if (props.certificateArn) {
      settings.push(
        option("aws:elbv2:listener:443", "ListenerEnabled", true),
        option("aws:elbv2:listener:443", "Protocol", "HTTPS"),
        option("aws:elbv2:listener:443", "SSLCertificateArns", props.certificateArn),
        option("aws:elbv2:listener:443", "SSLPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
      );
    }

    this.environment = new CfnEnvironment(this, "Environment", {
      applicationName: props.applicationName,
      environmentName: props.environmentName,
      cnamePrefix: props.cnamePrefix,
      solutionStackName: props.solutionStackName,
      tier: { name: "WebServer", type: "Standard" },
      description: "Fastier production web app",
      optionSettings: settings,
    });
    this.environment.addResourceDependency(this.application);
    this.cname = Fn.join(".", [props.cnamePrefix, Aws.REGION, "elasticbeanstalk.com"]);
  }
}

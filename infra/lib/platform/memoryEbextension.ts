/**
 * Memory metrics, a memory alarm and memory target tracking for the Auto Scaling group that
 * Elastic Beanstalk owns, as an `.ebextensions` config file in the application bundle.
 *
 * Why an .ebextensions file and not CDK resources or option settings:
 * - EC2 does not report memory. The CloudWatch agent (preinstalled on the Amazon Linux 2023
 *   platforms) must be told to publish `mem_used_percent`; only the instance can do that.
 * - Beanstalk's own scaling trigger (`aws:autoscaling:trigger`) only accepts its built-in metrics
 *   (CPUUtilization, NetworkIn/Out, DiskRead/WriteOps and Bytes, Latency, RequestCount,
 *   Healthy/UnhealthyHostCount): not a CWAgent metric, and it makes step scaling, not target tracking.
 * - The group is created by Beanstalk with a generated name, unknown to this CDK app. A config
 *   file's `Resources` section is added to the environment's own CloudFormation stack, where the
 *   group is `{"Ref": "AWSEBAutoScalingGroup"}` (AWS's documented way to customise environment
 *   resources), so the policy and alarm live and die with the group.
 * The pipeline's build step writes this file into every bundle it deploys (see webPipeline.ts).
 */

export const MEMORY_EBEXTENSION_PATH = ".ebextensions/90-fastier-memory.config";

/** Option setting the environment carries so the config file can find the alarm topic. */
export const MEMORY_ALARM_TOPIC_OPTION = {
  namespace: "aws:elasticbeanstalk:customoption",
  optionName: "FastierMemoryAlarmTopicArn",
} as const;

const AGENT_CONFIG_PATH = "/opt/aws/amazon-cloudwatch-agent/etc/fastier-memory.json";
const GROUP = { Ref: "AWSEBAutoScalingGroup" };

export interface MemoryEbextensionOptions {
  /** Target tracking keeps the group's average `mem_used_percent` here. */
  targetMemoryPercent: number;
  /** The alarm fires when a 5-minute maximum reaches this for 3 periods in a row. */
  alarmMemoryPercent: number;
}

/**
 * The CloudWatch agent configuration: `mem_used_percent` every minute in `CWAgent`, with the
 * `AutoScalingGroupName` and `InstanceId` dimensions, rolled up per group and per instance
 * (the series the control plane's sweeps and the scaling policy read).
 */
export function cloudWatchAgentConfig() {
  return {
    agent: { metrics_collection_interval: 60 },
    metrics: {
      namespace: "CWAgent",
      // The agent's own placeholders, filled in on each instance (not JavaScript templates).
      append_dimensions: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudWatch agent placeholder
        AutoScalingGroupName: "${aws:AutoScalingGroupName}",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudWatch agent placeholder
        InstanceId: "${aws:InstanceId}",
      },
      aggregation_dimensions: [["AutoScalingGroupName"], ["InstanceId"]],
      metrics_collected: { mem: { measurement: ["mem_used_percent"] } },
    },
  };
}

/** The `.ebextensions` file (JSON, which Beanstalk accepts as well as YAML). */
export function memoryEbextension(options: MemoryEbextensionOptions) {
  const memoryOfGroup = {
    Namespace: "CWAgent",
    MetricName: "mem_used_percent",
    Dimensions: [{ Name: "AutoScalingGroupName", Value: GROUP }],
  };
  const topic = {
    "Fn::GetOptionSetting": {
      Namespace: MEMORY_ALARM_TOPIC_OPTION.namespace,
      OptionName: MEMORY_ALARM_TOPIC_OPTION.optionName,
    },
  };
  return {
    files: {
      [AGENT_CONFIG_PATH]: {
        mode: "000644",
        owner: "root",
        group: "root",
        content: JSON.stringify(cloudWatchAgentConfig(), null, 2),
      },
    },
    container_commands: {
      "01_fastier_memory_metrics": {
        // append-config keeps whatever the platform configured (log streaming) and adds memory.
        command: `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a append-config -m ec2 -s -c file:${AGENT_CONFIG_PATH}`,
      },
    },
    Resources: {
      FastierMemoryTargetTracking: {
        Type: "AWS::AutoScaling::ScalingPolicy",
        Properties: {
          AutoScalingGroupName: GROUP,
          PolicyType: "TargetTrackingScaling",
          EstimatedInstanceWarmup: 300,
          TargetTrackingConfiguration: {
            CustomizedMetricSpecification: { ...memoryOfGroup, Statistic: "Average" },
            TargetValue: options.targetMemoryPercent,
          },
        },
      },
      FastierMemoryAlarm: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          AlarmDescription: `Memory pressure: mem_used_percent of the Beanstalk group at or above ${options.alarmMemoryPercent}% for 15 minutes`,
          ...memoryOfGroup,
          Statistic: "Maximum",
          Period: 300,
          EvaluationPeriods: 3,
          Threshold: options.alarmMemoryPercent,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
          TreatMissingData: "missing",
          AlarmActions: [topic],
          OKActions: [topic],
        },
      },
    },
  };
}

/** The file's text, base64-encoded so a build command can write it without any quoting. */
export function memoryEbextensionBase64(options: MemoryEbextensionOptions): string {
  return Buffer.from(JSON.stringify(memoryEbextension(options), null, 2)).toString("base64");
}

import { cloudWatchAgentEbextension, MEMORY_EBEXTENSION_PATH } from "@fastier/core";

export { MEMORY_EBEXTENSION_PATH };

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
 * The agent part comes from the core, which shows the same file in install_cloudwatch_agent's steps.
 */

/** Option setting the environment carries so the config file can find the alarm topic. */
export const MEMORY_ALARM_TOPIC_OPTION = {
  namespace: "aws:elasticbeanstalk:customoption",
  optionName: "FastierMemoryAlarmTopicArn",
} as const;

const GROUP = { Ref: "AWSEBAutoScalingGroup" };

export interface MemoryEbextensionOptions {
  /** Target tracking keeps the group's average `mem_used_percent` here. */
  targetMemoryPercent: number;
  /** The alarm fires when a 5-minute maximum reaches this for 3 periods in a row. */
  alarmMemoryPercent: number;
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
    ...cloudWatchAgentEbextension(),
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

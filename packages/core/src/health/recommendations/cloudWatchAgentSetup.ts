/**
 * How instances publish memory: the CloudWatch agent configuration and the
 * Elastic Beanstalk `.ebextensions` file that installs it. One source for the
 * platform stack (infra/lib/platform/memoryEbextension.ts builds its file from
 * these) and for the steps an `install_cloudwatch_agent` recommendation shows.
 */

/** Steps to carry a recommendation out by hand, with the files to add, for a client to show. */
export interface ManualSteps {
  steps: string[];
  files: { path: string; description: string; content: string }[];
}

export const MEMORY_EBEXTENSION_PATH = ".ebextensions/90-fastier-memory.config";
export const CLOUDWATCH_AGENT_CONFIG_PATH = "/opt/aws/amazon-cloudwatch-agent/etc/fastier-memory.json";
const AGENT_CTL = "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl";
/** append-config keeps whatever the platform configured (log streaming) and adds memory. */
export const CLOUDWATCH_AGENT_START_COMMAND = `${AGENT_CTL} -a append-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_CONFIG_PATH}`;

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

/** The part of the `.ebextensions` file that makes every instance publish memory. */
export function cloudWatchAgentEbextension() {
  return {
    files: {
      [CLOUDWATCH_AGENT_CONFIG_PATH]: {
        mode: "000644",
        owner: "root",
        group: "root",
        content: JSON.stringify(cloudWatchAgentConfig(), null, 2),
      },
    },
    container_commands: { "01_fastier_memory_metrics": { command: CLOUDWATCH_AGENT_START_COMMAND } },
  };
}

/** What `install_cloudwatch_agent` asks someone to do, exactly. */
export function cloudWatchAgentSteps(resourceName: string): ManualSteps {
  return {
    steps: [
      `Elastic Beanstalk: add ${MEMORY_EBEXTENSION_PATH} (below) to the application bundle and deploy it; every instance of ${resourceName} then runs the agent with this configuration (the Fastier platform stack's pipeline writes the same file, with the memory scaling policy and alarm, into every bundle).`,
      `A plain Auto Scaling group or instance: install the agent (Amazon Linux: dnf install -y amazon-cloudwatch-agent), write ${CLOUDWATCH_AGENT_CONFIG_PATH} (below) and run "${CLOUDWATCH_AGENT_START_COMMAND}" from the launch template's user data, then start an instance refresh.`,
      "The instance role needs cloudwatch:PutMetricData (the CloudWatchAgentServerPolicy managed policy has it).",
      "Within a few minutes CWAgent mem_used_percent appears per group and per instance; the next sweep resolves the missing-metrics finding. Dismiss this recommendation with a reason once it is done.",
    ],
    files: [
      {
        path: MEMORY_EBEXTENSION_PATH,
        description: "Elastic Beanstalk config file (JSON) for the application bundle",
        content: JSON.stringify(cloudWatchAgentEbextension(), null, 2),
      },
      {
        path: CLOUDWATCH_AGENT_CONFIG_PATH,
        description:
          "CloudWatch agent configuration: mem_used_percent with the AutoScalingGroupName and InstanceId dimensions",
        content: JSON.stringify(cloudWatchAgentConfig(), null, 2),
      },
    ],
  };
}

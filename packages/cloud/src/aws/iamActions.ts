import type { AwsService } from "./awsErrors.ts";

/**
 * IAM resource types (as the Service Authorization Reference names them) that a
 * mutating action is authorised against. Read actions are granted on `*`: sync
 * discovers every resource of every kind in the region, and several of them
 * (GetMetricData, the Describe* listings, ListBuckets, ListHostedZones) support
 * no resource-level permissions at all.
 */
export type IamResourceType =
  | "autoScalingGroup"
  | "launchTemplate"
  | "environment"
  | "configurationTemplate"
  | "applicationVersion"
  | "db"
  | "snapshot"
  | "og"
  | "pg"
  | "subgrp"
  | "secgrp"
  | "pipeline"
  /** A DR drill's scratch instance: an RDS `db` resource, but only those the drills name and tag. */
  | "drillScratch";

/** One AWS call the adapter makes and the IAM action that authorises it. */
export interface AdapterIamAction {
  /** IAM service prefix; the same namespace `awsCall` is given. */
  service: AwsService;
  /** The SDK operation, exactly as the adapter names it in `awsCall(service, operation, ...)`. */
  operation: string;
  /** The IAM action name: usually the operation, but not always (S3 ListBuckets is s3:ListAllMyBuckets). */
  action: string;
  /** Changes something in the account (scaling, promotion, restore, snapshot, pipeline control). */
  mutates: boolean;
  /** For mutating actions: every resource type IAM checks the call against. */
  resourceTypes: readonly IamResourceType[];
  /** Set when IAM checks this action during another of the adapter's calls, which makes no call of its own. */
  impliedBy?: string;
}

function read(service: AwsService, operation: string, action = operation): AdapterIamAction {
  return { service, operation, action, mutates: false, resourceTypes: [] };
}

function write(service: AwsService, operation: string, resourceTypes: IamResourceType[]): AdapterIamAction {
  return { service, operation, action: operation, mutates: true, resourceTypes };
}

/** An action IAM also checks while authorising the adapter's call `by` (tags given at creation, for one). */
function implied(service: AwsService, action: string, resourceTypes: IamResourceType[], by: string): AdapterIamAction {
  return { service, operation: action, action, mutates: true, resourceTypes, impliedBy: by };
}

/**
 * Every AWS call of the adapter (packages/cloud/src/aws), one entry per
 * `awsCall(service, operation)` pair. packages/cloud/test/iamActions.test.ts
 * scans the adapter's sources and fails when this list and the calls differ,
 * so the control plane's IAM policies (infra/) cannot drift from the code.
 */
export const AWS_ADAPTER_IAM_ACTIONS: readonly AdapterIamAction[] = [
  // Auto Scaling: the operations act on groups; the policy conditions them on the group's tag.
  read("autoscaling", "DescribeAutoScalingGroups"),
  read("autoscaling", "DescribeAutoScalingInstances"),
  read("autoscaling", "DescribeLaunchConfigurations"),
  read("autoscaling", "DescribePolicies"),
  write("autoscaling", "SetDesiredCapacity", ["autoScalingGroup"]),
  write("autoscaling", "UpdateAutoScalingGroup", ["autoScalingGroup"]),
  write("autoscaling", "PutScalingPolicy", ["autoScalingGroup"]),
  read("autoscaling", "DescribeInstanceRefreshes"),
  write("autoscaling", "StartInstanceRefresh", ["autoScalingGroup"]),
  // A plain group's new instance type is a new version of its launch template.
  write("ec2", "CreateLaunchTemplateVersion", ["launchTemplate"]),
  // A Beanstalk group's instance type is its environment's to change.
  read("elasticbeanstalk", "DescribeConfigurationSettings"),
  read("elasticbeanstalk", "DescribeEvents"),
  write("elasticbeanstalk", "UpdateEnvironment", ["environment"]),
  // A blue/green deploy: the live environment's settings saved, a clone from them with another
  // version, the swap of their CNAMEs, and the old one terminated.
  write("elasticbeanstalk", "CreateConfigurationTemplate", ["configurationTemplate", "environment"]),
  write("elasticbeanstalk", "CreateEnvironment", ["environment", "configurationTemplate", "applicationVersion"]),
  write("elasticbeanstalk", "SwapEnvironmentCNAMEs", ["environment"]),
  write("elasticbeanstalk", "TerminateEnvironment", ["environment"]),

  // RDS
  read("rds", "DescribeDBInstances"),
  read("rds", "DescribeDBInstanceAutomatedBackups"),
  read("rds", "DescribeDBSnapshots"),
  write("rds", "PromoteReadReplica", ["db"]),
  // A restore that came out different is converged by a modification that may name its
  // parameter group and security groups, which IAM checks as well.
  write("rds", "ModifyDBInstance", ["db", "pg", "secgrp"]),
  write("rds", "CreateDBSnapshot", ["db", "snapshot"]),
  // IAM checks a restore against every group the new instance joins: the subnet, security and
  // parameter groups the restore names (the source's unless the caller overrode them) and RDS's
  // default option group.
  write("rds", "RestoreDBInstanceToPointInTime", ["db", "og", "pg", "subgrp", "secgrp"]),
  // A restore names the new instance's tags (the source's, or a drill's scratch tags), which RDS
  // authorises as AddTagsToResource on the new instance.
  implied("rds", "AddTagsToResource", ["db"], "RestoreDBInstanceToPointInTime"),
  // Sent to the destination region, but authorised against the source instance they name. An encrypted
  // source also needs kms:CreateGrant and kms:DescribeKey on the destination key (granted on the key).
  write("rds", "StartDBInstanceAutomatedBackupsReplication", ["db"]),
  write("rds", "StopDBInstanceAutomatedBackupsReplication", ["db"]),
  // Only DR drills delete, and only the scratch instance they restored.
  write("rds", "DeleteDBInstance", ["drillScratch"]),

  // CloudWatch: GetMetricData supports no resource-level permissions.
  read("cloudwatch", "GetMetricData"),

  // CodePipeline
  read("codepipeline", "ListPipelines"),
  read("codepipeline", "GetPipeline"),
  read("codepipeline", "GetPipelineState"),
  read("codepipeline", "GetPipelineExecution"),
  read("codepipeline", "ListPipelineExecutions"),
  read("codepipeline", "ListTagsForResource"),
  write("codepipeline", "StartPipelineExecution", ["pipeline"]),
  write("codepipeline", "StopPipelineExecution", ["pipeline"]),
  write("codepipeline", "RollbackStage", ["pipeline"]),

  // Discovery of the rest of the architecture (reads only).
  read("ec2", "DescribeInstances"),
  read("ec2", "DescribeLaunchTemplateVersions"),
  read("elasticloadbalancing", "DescribeLoadBalancers"),
  read("elasticloadbalancing", "DescribeTags"),
  // The health gate of a deploy: the balancer's target groups and their targets' health.
  read("elasticloadbalancing", "DescribeTargetGroups"),
  read("elasticloadbalancing", "DescribeTargetHealth"),
  read("elasticbeanstalk", "DescribeEnvironments"),
  read("elasticbeanstalk", "ListTagsForResource"),
  read("s3", "ListBuckets", "ListAllMyBuckets"),
  read("s3", "GetBucketTagging"),
  read("route53", "ListHostedZones"),
  read("route53", "ListResourceRecordSets"),
];

/** `service:Action` names, sorted and without duplicates; `mutates` narrows to writes or reads. */
export function adapterIamActionNames(filter: { mutates?: boolean } = {}): string[] {
  const names = AWS_ADAPTER_IAM_ACTIONS.filter((a) => filter.mutates === undefined || a.mutates === filter.mutates).map(
    (a) => `${a.service}:${a.action}`,
  );
  return [...new Set(names)].sort();
}

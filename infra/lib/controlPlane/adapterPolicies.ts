import { type AdapterIamAction, AWS_ADAPTER_IAM_ACTIONS, type IamResourceType } from "@fastier/cloud";
import { DRILL_SCRATCH_TAG } from "@fastier/core";
import { ArnFormat, Stack } from "aws-cdk-lib";
import { Effect, ManagedPolicy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";

/** How Fastier's resources are recognised, so mutating actions reach nothing else in the account. */
export interface FastierResourceScope {
  /**
   * Value of the `app` tag on Fastier's Auto Scaling groups. Elastic Beanstalk copies its
   * environment's tags onto the group it owns, whose name it generates (`awseb-e-…`), so the tag,
   * not the name, is what identifies the group.
   */
  appTag: string;
  /** Prefix of Fastier's RDS instance and snapshot identifiers and of its pipeline names. */
  namePrefix: string;
}

export const FASTIER_RESOURCE_SCOPE: FastierResourceScope = { appTag: "fastier-web", namePrefix: "fastier-" };

interface ResourceScope {
  arns: string[];
  conditions?: Record<string, Record<string, string>>;
}

/** Where each resource type a mutating action checks is allowed, in this stack's account and region. */
function scopesOf(stack: Stack, scope: FastierResourceScope): Record<IamResourceType, ResourceScope> {
  const rds = (resource: string, resourceName: string) =>
    stack.formatArn({ service: "rds", resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return {
    autoScalingGroup: {
      arns: [
        stack.formatArn({
          service: "autoscaling",
          resource: "autoScalingGroup",
          resourceName: "*:autoScalingGroupName/*",
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Auto Scaling authorises SetDesiredCapacity / UpdateAutoScalingGroup / PutScalingPolicy on the group's tags.
      conditions: { StringEquals: { "aws:ResourceTag/app": scope.appTag } },
    },
    launchTemplate: {
      arns: [stack.formatArn({ service: "ec2", resource: "launch-template", resourceName: "*" })],
      conditions: { StringEquals: { "aws:ResourceTag/app": scope.appTag } },
    },
    // Beanstalk environments are named under their application: Fastier's is its app tag.
    environment: {
      arns: [
        stack.formatArn({ service: "elasticbeanstalk", resource: "environment", resourceName: `${scope.appTag}/*` }),
      ],
    },
    // A blue/green deploy's template and the versions it deploys, under the same application.
    configurationTemplate: {
      arns: [
        stack.formatArn({
          service: "elasticbeanstalk",
          resource: "configurationtemplate",
          resourceName: `${scope.appTag}/*`,
        }),
      ],
    },
    applicationVersion: {
      arns: [
        stack.formatArn({
          service: "elasticbeanstalk",
          resource: "applicationversion",
          resourceName: `${scope.appTag}/*`,
        }),
      ],
    },
    db: { arns: [rds("db", `${scope.namePrefix}*`)] },
    // The only delete the control plane makes: a drill's scratch copy, by its name and its tag, never a database.
    drillScratch: {
      arns: [rds("db", `${scope.namePrefix}*-drill-*`)],
      conditions: { StringLike: { [`aws:ResourceTag/${DRILL_SCRATCH_TAG}`]: "*" } },
    },
    snapshot: { arns: [rds("snapshot", `${scope.namePrefix}*`)] },
    // A point-in-time restore is also checked against the groups the new instance is given.
    og: { arns: [rds("og", "*")] },
    pg: { arns: [rds("pg", "*")] },
    subgrp: { arns: [rds("subgrp", "*")] },
    secgrp: { arns: [rds("secgrp", "*")] },
    pipeline: { arns: [stack.formatArn({ service: "codepipeline", resource: `${scope.namePrefix}*` })] },
  };
}

const iamName = (action: AdapterIamAction) => `${action.service}:${action.action}`;

/** Read statements: every read the adapter makes, on `*` (see IamResourceType for why). */
export function adapterReadStatements(): PolicyStatement[] {
  const actions = [...new Set(AWS_ADAPTER_IAM_ACTIONS.filter((a) => !a.mutates).map(iamName))].sort();
  return [new PolicyStatement({ sid: "FastierAdapterReads", effect: Effect.ALLOW, actions, resources: ["*"] })];
}

/**
 * Write statements: each mutating action on the ARNs of Fastier's resources of the types it
 * acts on, with the tag condition where the type has one. Actions with the same scope share a
 * statement. A resource type without a scope fails the synth instead of falling back to `*`.
 */
export function adapterWriteStatements(stack: Stack, scope: FastierResourceScope): PolicyStatement[] {
  const scopes = scopesOf(stack, scope);
  const groups = new Map<string, { actions: string[]; scope: ResourceScope }>();
  for (const action of AWS_ADAPTER_IAM_ACTIONS.filter((a) => a.mutates)) {
    if (action.resourceTypes.length === 0) throw new Error(`${iamName(action)} mutates but names no resource type`);
    const parts = action.resourceTypes.map((type) => scopes[type]);
    const conditioned = parts.filter((part) => part.conditions);
    if (conditioned.length > 0 && parts.length > 1) {
      throw new Error(`${iamName(action)}: a tag-conditioned resource type cannot share a statement with others`);
    }
    const combined: ResourceScope = {
      arns: parts.flatMap((part) => part.arns),
      conditions: conditioned[0]?.conditions,
    };
    const key = [...action.resourceTypes].sort().join(",");
    const group = groups.get(key) ?? { actions: [], scope: combined };
    group.actions.push(iamName(action));
    groups.set(key, group);
  }
  return [...groups.entries()].map(
    ([key, group], index) =>
      new PolicyStatement({
        sid: `FastierAdapterWrites${index}${key.replace(/[^A-Za-z]/g, "")}`.slice(0, 100),
        effect: Effect.ALLOW,
        actions: group.actions.sort(),
        resources: group.scope.arns,
        conditions: group.scope.conditions,
      }),
  );
}

/**
 * The two managed policies the control plane's roles get: reads for every function that talks
 * to AWS (API, sweep, sync), and the scoped writes for the reconciler, the only code that
 * carries out operations.
 */
export class AdapterPolicies extends Construct {
  readonly read: ManagedPolicy;
  readonly write: ManagedPolicy;

  constructor(scope: Construct, id: string, resources: FastierResourceScope) {
    super(scope, id);
    this.read = new ManagedPolicy(this, "Read", {
      description: "Fastier control plane: the AWS adapter's read calls (packages/cloud/src/aws/iamActions.ts)",
      statements: adapterReadStatements(),
    });
    this.write = new ManagedPolicy(this, "Write", {
      description: "Fastier control plane: the AWS adapter's mutating calls, on Fastier's resources only",
      statements: adapterWriteStatements(Stack.of(this), resources),
    });
  }
}

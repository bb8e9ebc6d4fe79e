import { CfnResource, type IAspect, RemovalPolicy } from "aws-cdk-lib";
import { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct, IConstruct } from "constructs";

/** How long logs are kept: every function, the API access log, the build. */
export const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** A log group with the retention, given to a function (or build, or API stage) before its first log line. */
export function retainedLogGroup(scope: Construct, id: string, retention = LOG_RETENTION): LogGroup {
  return new LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.RETAIN });
}

/**
 * Gives every Lambda function in a stack a log group with a retention, including the ones CDK
 * creates by itself (e.g. the handler behind `restrictDefaultSecurityGroup`), which would
 * otherwise log into a group Lambda creates on first use and keeps forever.
 */
export class FunctionLogRetention implements IAspect {
  constructor(private readonly retention: RetentionDays = LOG_RETENTION) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== "AWS::Lambda::Function") return;
    if (node instanceof CfnFunction && node.loggingConfig !== undefined) return;
    const scope = node.node.scope;
    if (!scope) return;
    const logGroup = retainedLogGroup(scope, `${node.node.id}LogGroup`, this.retention);
    if (node instanceof CfnFunction) node.loggingConfig = { logGroup: logGroup.logGroupName };
    else node.addPropertyOverride("LoggingConfig", { LogGroup: logGroup.logGroupName });
  }
}

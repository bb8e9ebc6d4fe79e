import { Aws, CfnCondition, Duration, Fn } from "aws-cdk-lib";
import { Alarm, type CfnAlarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { CnameRecord, HealthCheck, HealthCheckType, type IHostedZone } from "aws-cdk-lib/aws-route53";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";

export interface WebDnsProps {
  zone: IHostedZone;
  /** Name inside the zone, e.g. "app" for app.example.com. */
  recordName: string;
  /** What the name points at: the Beanstalk environment's CNAME, so blue/green CNAME swaps just work. */
  target: string;
  healthCheckPath: string;
  https: boolean;
  alarmTopic: ITopic;
}

/**
 * The app's DNS name with a Route 53 health check on the environment. The record is weighted
 * (one member, weight 100) so the health check is attached to it: add a second member, e.g. a
 * standby environment in another region, and Route 53 stops answering with an unhealthy one.
 * While every member is unhealthy Route 53 answers as if all were healthy, so a lone record never
 * goes dark.
 */
export class WebDns extends Construct {
  readonly record: CnameRecord;
  readonly healthCheck: HealthCheck;

  constructor(scope: Construct, id: string, props: WebDnsProps) {
    super(scope, id);
    this.healthCheck = new HealthCheck(this, "HealthCheck", {
      type: props.https ? HealthCheckType.HTTPS : HealthCheckType.HTTP,
      fqdn: props.target,
      resourcePath: props.healthCheckPath,
      requestInterval: Duration.seconds(30),
      failureThreshold: 3,
    });
    this.record = new CnameRecord(this, "Record", {
      zone: props.zone,
      recordName: props.recordName,
      domainName: props.target,
      ttl: Duration.seconds(60),
      setIdentifier: "fastier-prod",
      weight: 100,
      healthCheck: this.healthCheck,
    });

    // Route 53 publishes health check metrics in us-east-1 only; elsewhere the alarm would never
    // leave INSUFFICIENT_DATA, so it exists only when the stack is deployed there.
    const inUsEast1 = new CfnCondition(this, "InUsEast1", { expression: Fn.conditionEquals(Aws.REGION, "us-east-1") });
    const alarm = new Alarm(this, "HealthCheckAlarm", {
      metric: new Metric({
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensionsMap: { HealthCheckId: this.healthCheck.healthCheckId },
        statistic: "Minimum",
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription: "Route 53 health checks of the web app have failed for 3 minutes",
    });
    alarm.addAlarmAction(new SnsAction(props.alarmTopic));
    (alarm.node.defaultChild as CfnAlarm).cfnOptions.condition = inUsEast1;
  }
}

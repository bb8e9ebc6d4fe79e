import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { type InstanceType, type IVpc, SecurityGroup, SubnetType } from "aws-cdk-lib/aws-ec2";
import {
  Credentials,
  DatabaseInstance,
  DatabaseInstanceEngine,
  DatabaseInstanceReadReplica,
  PostgresEngineVersion,
  StorageType,
} from "aws-cdk-lib/aws-rds";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";

export interface PlatformDatabaseProps {
  vpc: IVpc;
  /** Identifiers: the control plane's IAM policy allows DR operations on `fastier-*` only. */
  primaryIdentifier: string;
  replicaIdentifier: string;
  instanceType: InstanceType;
  /** Days of automated backups (point-in-time restore window), 7–35. */
  backupRetentionDays: number;
  alarmTopic: ITopic;
}

/**
 * Fastier's PostgreSQL: a Multi-AZ primary (synchronous standby in the other AZ, automatic
 * failover), automated backups for point-in-time restore, deletion protection, and a read
 * replica that can be promoted in a disaster. Both encrypted, both in isolated subnets.
 */
export class PlatformDatabase extends Construct {
  readonly primary: DatabaseInstance;
  readonly replica: DatabaseInstanceReadReplica;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: PlatformDatabaseProps) {
    super(scope, id);
    if (props.backupRetentionDays < 7 || props.backupRetentionDays > 35) {
      throw new Error(`backupRetentionDays must be 7 to 35, not ${props.backupRetentionDays}`);
    }
    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      vpc: props.vpc,
      description: "Fastier PostgreSQL: only from the web instances",
      allowAllOutbound: false,
    });
    const placement = {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      instanceType: props.instanceType,
      storageType: StorageType.GP3,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
    };
    this.primary = new DatabaseInstance(this, "Primary", {
      ...placement,
      instanceIdentifier: props.primaryIdentifier,
      storageEncrypted: true,
      engine: DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_16_13 }),
      credentials: Credentials.fromGeneratedSecret("fastier"),
      databaseName: "fastier",
      multiAz: true,
      allocatedStorage: 100,
      maxAllocatedStorage: 500,
      backupRetention: Duration.days(props.backupRetentionDays),
      copyTagsToSnapshot: true,
    });
    this.replica = new DatabaseInstanceReadReplica(this, "Replica", {
      ...placement,
      instanceIdentifier: props.replicaIdentifier,
      // Encrypted because its source is: CloudFormation takes StorageEncrypted from the source.
      sourceDatabaseInstance: this.primary,
    });

    const action = new SnsAction(props.alarmTopic);
    new Alarm(this, "ReplicaLagAlarm", {
      metric: this.replica.metric("ReplicaLag", { statistic: "Maximum", period: Duration.minutes(1) }),
      threshold: 300,
      evaluationPeriods: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription: "The read replica is 5+ minutes behind (or not reporting): promoting it would lose data",
    }).addAlarmAction(action);
    new Alarm(this, "PrimaryFreeableMemoryAlarm", {
      metric: this.primary.metric("FreeableMemory", { statistic: "Minimum", period: Duration.minutes(5) }),
      threshold: 256 * 1024 * 1024,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.MISSING,
      alarmDescription: "The primary has had under 256 MiB of freeable memory for 15 minutes",
    }).addAlarmAction(action);
  }
}

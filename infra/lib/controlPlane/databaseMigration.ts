import { CustomResource } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Provider } from "aws-cdk-lib/custom-resources";
import { Construct, type IDependable } from "constructs";
import { retainedLogGroup } from "../logRetention.ts";

export interface DatabaseMigrationProps {
  /** The worker bundle's `index.migrate`, in the VPC with database access. */
  migrateFunction: IFunction;
  /**
   * Changes whenever the deployed code changes (the bundles' fingerprints), so CloudFormation
   * updates the resource, and so runs the migrations, on every deploy that ships new code.
   */
  revision: string;
  /** What must exist before migrations can run (the database and its secret). */
  after: IDependable[];
}

/**
 * Applies the control plane's migrations during `cdk deploy`: a custom resource whose provider
 * invokes `index.migrate` with CloudFormation's Create / Update / Delete event. Functions that
 * use the database depend on it, so new code never runs against an old schema. The handler
 * applies pending migrations on Create and Update, does nothing on Delete, and throws on failure,
 * which fails (and rolls back) the deployment.
 */
export class DatabaseMigration extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DatabaseMigrationProps) {
    super(scope, id);
    const provider = new Provider(this, "Provider", {
      onEventHandler: props.migrateFunction,
      logGroup: retainedLogGroup(this, "ProviderLogs"),
    });
    this.resource = new CustomResource(this, "Resource", {
      serviceToken: provider.serviceToken,
      resourceType: "Custom::FastierMigrations",
      properties: { Revision: props.revision },
    });
    for (const dependency of props.after) this.resource.node.addDependency(dependency);
  }
}

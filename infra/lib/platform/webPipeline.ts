import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { BuildSpec, LinuxBuildImage, PipelineProject } from "aws-cdk-lib/aws-codebuild";
import { Artifact, type IAction, Pipeline, PipelineType, Result } from "aws-cdk-lib/aws-codepipeline";
import {
  CodeBuildAction,
  CodeStarConnectionsSourceAction,
  ElasticBeanstalkDeployAction,
  S3SourceAction,
  S3Trigger,
} from "aws-cdk-lib/aws-codepipeline-actions";
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from "aws-cdk-lib/aws-s3";
import { Construct, type IDependable } from "constructs";
import { retainedLogGroup } from "../logRetention.ts";
import { MEMORY_EBEXTENSION_PATH } from "./memoryEbextension.ts";

/** Where the web app's source comes from. */
export type WebSource =
  /** A GitHub / Bitbucket / GitLab repository through a CodeStar (CodeConnections) connection. */
  | { kind: "connection"; connectionArn: string; repository: string; branch: string }
  /** A zip in S3 (a new versioned bucket when none is given); runs are started explicitly. */
  | { kind: "s3"; bucket?: IBucket; objectKey: string };

export interface WebPipelineProps {
  pipelineName: string;
  applicationName: string;
  environmentName: string;
  source: WebSource;
  /** Python version of the build, matching the Beanstalk platform. */
  pythonVersion: string;
  /** `.ebextensions` file the build adds to every bundle, base64 (see memoryEbextension.ts). */
  memoryEbextensionBase64: string;
  /** The Beanstalk environment: the first run (on creation) deploys to it, so it must exist. */
  after: IDependable[];
}

/**
 * Source → Build (CodeBuild: dependencies, tests, the memory config file) → Deploy to Elastic
 * Beanstalk. A V2 pipeline, so a failed deploy rolls the stage back to the last good execution,
 * and the control plane can roll back a stage on demand (RollbackStage).
 */
export class WebPipeline extends Construct {
  readonly pipeline: Pipeline;
  readonly sourceBucket?: IBucket;

  constructor(scope: Construct, id: string, props: WebPipelineProps) {
    super(scope, id);
    const source = new Artifact("Source");
    const built = new Artifact("Built");

    let sourceAction: IAction;
    if (props.source.kind === "connection") {
      const [owner, repo] = props.source.repository.split("/");
      if (!owner || !repo) throw new Error(`source repository must be owner/name, not ${props.source.repository}`);
      sourceAction = new CodeStarConnectionsSourceAction({
        actionName: "Source",
        connectionArn: props.source.connectionArn,
        owner,
        repo,
        branch: props.source.branch,
        output: source,
        triggerOnPush: true,
      });
    } else {
      this.sourceBucket =
        props.source.bucket ??
        new Bucket(this, "SourceBucket", {
          versioned: true,
          encryption: BucketEncryption.S3_MANAGED,
          blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          removalPolicy: RemovalPolicy.RETAIN,
        });
      sourceAction = new S3SourceAction({
        actionName: "Source",
        bucket: this.sourceBucket,
        bucketKey: props.source.objectKey,
        output: source,
        // Runs are started by `aws codepipeline start-pipeline-execution` or the control plane's
        // deploy operation; S3 change events would need a CloudTrail trail for data events.
        trigger: S3Trigger.NONE,
      });
    }

    const build = new PipelineProject(this, "Build", {
      description: "Fastier web app: install, test, add the memory metrics config, bundle",
      environment: { buildImage: LinuxBuildImage.STANDARD_7_0 },
      timeout: Duration.minutes(20),
      logging: { cloudWatch: { logGroup: retainedLogGroup(this, "BuildLogs") } },
      buildSpec: BuildSpec.fromObject({
        version: "0.2",
        phases: {
          install: {
            "runtime-versions": { python: props.pythonVersion },
            commands: ["if [ -f requirements.txt ]; then pip install -r requirements.txt; fi"],
          },
          build: {
            commands: [
              "if [ -d tests ]; then pip install pytest && python -m pytest -q; fi",
              "mkdir -p .ebextensions",
              `echo ${props.memoryEbextensionBase64} | base64 -d > ${MEMORY_EBEXTENSION_PATH}`,
            ],
          },
        },
        artifacts: { files: ["**/*"], "exclude-paths": ["./.git/**/*", "./tests/**/*"] },
      }),
    });

    this.pipeline = new Pipeline(this, "Pipeline", {
      pipelineName: props.pipelineName,
      pipelineType: PipelineType.V2,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: "Source", actions: [sourceAction] },
        {
          stageName: "Build",
          actions: [new CodeBuildAction({ actionName: "Build", project: build, input: source, outputs: [built] })],
        },
        {
          stageName: "Deploy",
          actions: [
            new ElasticBeanstalkDeployAction({
              actionName: "Deploy",
              applicationName: props.applicationName,
              environmentName: props.environmentName,
              input: built,
            }),
          ],
          onFailure: { result: Result.ROLLBACK },
        },
      ],
    });
    for (const dependency of props.after) this.pipeline.node.addDependency(dependency);
  }
}

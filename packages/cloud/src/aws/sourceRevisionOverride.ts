import type { PipelineDeclaration, SourceRevisionOverride, SourceRevisionType } from "@aws-sdk/client-codepipeline";
import { CloudError } from "@fastier/core";

/** What a revision means to each kind of source action (AWS wants it spelled out). */
function revisionTypeOf(provider: string | undefined): SourceRevisionType {
  if (provider === "S3") return "S3_OBJECT_VERSION_ID";
  if (provider === "ECR") return "IMAGE_DIGEST";
  return "COMMIT_ID";
}

/**
 * StartPipelineExecution pins a revision per source action, by name. The port
 * asks for "this revision", which is only unambiguous when the pipeline has
 * exactly one source action.
 */
export function sourceRevisionOverride(pipeline: PipelineDeclaration, revision: string): SourceRevisionOverride {
  const sources = (pipeline.stages ?? []).flatMap((stage) =>
    (stage.actions ?? []).filter((action) => action.actionTypeId?.category === "Source"),
  );
  const [source] = sources;
  if (sources.length !== 1 || !source?.name) {
    throw new CloudError(
      "invalid_request",
      `pipeline ${pipeline.name} has ${sources.length} source actions; a source revision needs exactly one`,
      { service: "codepipeline" },
    );
  }
  return {
    actionName: source.name,
    revisionType: revisionTypeOf(source.actionTypeId?.provider),
    revisionValue: revision,
  };
}

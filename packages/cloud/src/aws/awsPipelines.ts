import {
  type PipelineExecutionSummary as AwsExecutionSummary,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  type PipelineDeclaration,
  paginateListPipelineExecutions,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import {
  CloudError,
  type PipelineDescription,
  type PipelineExecutionStatus,
  type PipelineExecutionSummary,
  type PipelinePort,
} from "@fastier/core";
import type { AwsClients } from "./awsClients.ts";
import { awsCall } from "./awsErrors.ts";
import { definedFields } from "./definedFields.ts";
import { sourceRevisionOverride } from "./sourceRevisionOverride.ts";

type PipelineClients = Pick<AwsClients, "codePipeline">;

/** ListPipelineExecutions returns at most 100 per page. */
const MAX_PAGE_SIZE = 100;

export async function getPipelineDeclaration(
  clients: PipelineClients,
  name: string,
): Promise<{ pipeline: PipelineDeclaration; arn: string | null }> {
  const answer = await awsCall("codepipeline", "GetPipeline", () =>
    clients.codePipeline.send(new GetPipelineCommand({ name })),
  );
  if (!answer.pipeline) {
    throw new CloudError("unavailable", `codepipeline GetPipeline returned no pipeline for ${name}`, {
      service: "codepipeline",
    });
  }
  return { pipeline: answer.pipeline, arn: answer.metadata?.pipelineArn ?? null };
}

export function stageNamesOf(pipeline: PipelineDeclaration): string[] {
  return (pipeline.stages ?? []).flatMap((stage) => (stage.name ? [stage.name] : []));
}

function statusOf(status: string | undefined): PipelineExecutionStatus {
  // The SDK's union is the port's; anything newer AWS adds reads as still running.
  return (status as PipelineExecutionStatus | undefined) ?? "InProgress";
}

function summaryOf(summary: AwsExecutionSummary): PipelineExecutionSummary {
  return {
    executionId: summary.pipelineExecutionId ?? "",
    status: statusOf(summary.status),
    startedAt: summary.startTime ?? null,
    updatedAt: summary.lastUpdateTime ?? null,
    sourceRevision: summary.sourceRevisions?.[0]?.revisionId ?? null,
    trigger: summary.trigger?.triggerType ?? null,
  };
}

export function createAwsPipelines(clients: PipelineClients): PipelinePort {
  return {
    async describePipeline(name): Promise<PipelineDescription> {
      const { pipeline, arn } = await getPipelineDeclaration(clients, name);
      return { name: pipeline.name ?? name, arn, stages: stageNamesOf(pipeline) };
    },

    async listExecutions(pipelineName, limit) {
      return awsCall("codepipeline", "ListPipelineExecutions", async () => {
        const found: PipelineExecutionSummary[] = [];
        const pageSize = Math.min(limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
        // AWS lists newest first, which is the port's order.
        for await (const page of paginateListPipelineExecutions(
          { client: clients.codePipeline, pageSize },
          { pipelineName },
        )) {
          for (const summary of page.pipelineExecutionSummaries ?? []) {
            if (limit !== undefined && found.length >= limit) return found;
            found.push(summaryOf(summary));
          }
          if (limit !== undefined && found.length >= limit) return found;
        }
        return found;
      });
    },

    // StartPipelineExecution has no field for a reason; callers keep it in their own records.
    async startExecution(pipelineName, request) {
      const sourceRevisions = request.sourceRevision
        ? [
            sourceRevisionOverride(
              (await getPipelineDeclaration(clients, pipelineName)).pipeline,
              request.sourceRevision,
            ),
          ]
        : undefined;
      const answer = await awsCall("codepipeline", "StartPipelineExecution", () =>
        clients.codePipeline.send(
          new StartPipelineExecutionCommand({
            name: pipelineName,
            clientRequestToken: request.clientRequestToken,
            ...(sourceRevisions ? { sourceRevisions } : {}),
          }),
        ),
      );
      return { executionId: answer.pipelineExecutionId ?? "" };
    },

    async getExecution(pipelineName, executionId) {
      const answer = await awsCall("codepipeline", "GetPipelineExecution", () =>
        clients.codePipeline.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId })),
      );
      const execution = answer.pipelineExecution;
      // GetPipelineExecution reports no start or update time; ListPipelineExecutions does.
      return {
        pipelineName: execution?.pipelineName ?? pipelineName,
        executionId: execution?.pipelineExecutionId ?? executionId,
        status: statusOf(execution?.status),
        statusSummary: execution?.statusSummary ?? null,
        startedAt: null,
        updatedAt: null,
        sourceRevision: execution?.artifactRevisions?.[0]?.revisionId ?? null,
        trigger: execution?.trigger?.triggerType ?? null,
      };
    },

    async stopExecution(pipelineName, executionId, options) {
      await awsCall("codepipeline", "StopPipelineExecution", () =>
        clients.codePipeline.send(
          new StopPipelineExecutionCommand({
            pipelineName,
            pipelineExecutionId: executionId,
            abandon: options.abandon,
            ...definedFields({ reason: options.reason }),
          }),
        ),
      );
    },

    async getState(pipelineName) {
      const answer = await awsCall("codepipeline", "GetPipelineState", () =>
        clients.codePipeline.send(new GetPipelineStateCommand({ name: pipelineName })),
      );
      return {
        pipelineName: answer.pipelineName ?? pipelineName,
        stages: (answer.stageStates ?? []).map((stage) => ({
          name: stage.stageName ?? "",
          status: stage.latestExecution?.status ?? null,
          executionId: stage.latestExecution?.pipelineExecutionId ?? null,
        })),
      };
    },

    async rollbackStage(pipelineName, stageName, targetExecutionId) {
      const answer = await awsCall("codepipeline", "RollbackStage", () =>
        clients.codePipeline.send(
          new RollbackStageCommand({ pipelineName, stageName, targetPipelineExecutionId: targetExecutionId }),
        ),
      );
      return { executionId: answer.pipelineExecutionId ?? "" };
    },
  };
}

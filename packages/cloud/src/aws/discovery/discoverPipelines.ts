import { paginateListPipelines, paginateListTagsForResource, type Tag } from "@aws-sdk/client-codepipeline";
import { discoveredResource } from "@fastier/core";
import type { AwsClients } from "../awsClients.ts";
import { awsCall } from "../awsErrors.ts";
import { getPipelineDeclaration, stageNamesOf } from "../awsPipelines.ts";
import { lowerCaseTagsOf } from "../awsTags.ts";
import type { KindLister } from "./discoveredResource.ts";
import { mapWithConcurrency } from "./mapWithConcurrency.ts";

async function pipelineTags(clients: AwsClients, arn: string | null): Promise<Record<string, string>> {
  if (!arn) return {};
  return awsCall("codepipeline", "ListTagsForResource", async () => {
    const tags: Tag[] = [];
    for await (const page of paginateListTagsForResource({ client: clients.codePipeline }, { resourceArn: arn })) {
      tags.push(...(page.tags ?? []));
    }
    return lowerCaseTagsOf(tags);
  });
}

export const discoverPipelines: KindLister = async (clients, region) => {
  const names = await awsCall("codepipeline", "ListPipelines", async () => {
    const found: string[] = [];
    for await (const page of paginateListPipelines({ client: clients.codePipeline }, {})) {
      for (const summary of page.pipelines ?? []) if (summary.name) found.push(summary.name);
    }
    return found;
  });
  // ListPipelines has no stages: each pipeline's declaration is one more call.
  return mapWithConcurrency(names, 4, async (name) => {
    const { pipeline, arn } = await getPipelineDeclaration(clients, name);
    const actions = (pipeline.stages ?? []).flatMap((stage) => stage.actions ?? []);
    const providersOf = (category: string) => [
      ...new Set(
        actions.flatMap((a) => (a.actionTypeId?.category === category ? [a.actionTypeId.provider ?? ""] : [])),
      ),
    ];
    return discoveredResource({
      kind: "pipeline",
      cloudId: name,
      name,
      region,
      tags: await pipelineTags(clients, arn),
      pipeline: { stages: stageNamesOf(pipeline) },
      attributes: {
        arn,
        pipelineType: pipeline.pipelineType ?? null,
        executionMode: pipeline.executionMode ?? null,
        sourceProviders: providersOf("Source"),
        deployProviders: providersOf("Deploy"),
        // The Beanstalk environment its deploy action updates: what links it to that environment's load balancer.
        deployEnvironment:
          actions.find((a) => a.actionTypeId?.category === "Deploy" && a.configuration?.EnvironmentName)?.configuration
            ?.EnvironmentName ?? null,
      },
    });
  });
};

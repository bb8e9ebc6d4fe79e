import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CodePipelineClient,
  CodePipelineServiceException,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  type ListPipelineExecutionsOutput,
  PipelineExecutionNotStoppableException,
  PipelineNotFoundException,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { CloudError, type CloudPort } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { MOCK_CLIENT_CONFIG, metadata, mockedCloud } from "./mockedCloud.ts";

const PIPELINE = "fastier-web-pipeline";

const sourceStage = (providers: string[]) => ({
  name: "Source",
  actions: providers.map((provider, index) => ({
    name: `Source${index}`,
    actionTypeId: { category: "Source" as const, owner: "AWS" as const, provider, version: "1" },
  })),
});
const deployStage = {
  name: "Deploy",
  actions: [
    {
      name: "Beanstalk",
      actionTypeId: { category: "Deploy" as const, owner: "AWS" as const, provider: "ElasticBeanstalk", version: "1" },
    },
  ],
};

describe("AWS adapter: CodePipeline (aws-sdk-client-mock)", () => {
  const client = new CodePipelineClient(MOCK_CLIENT_CONFIG);
  const mock = mockClient(client);
  let cloud: CloudPort;

  beforeEach(() => {
    mock.reset();
    cloud = mockedCloud({ codePipeline: client });
  });

  /**
   * Answers `command` with `pages` in turn and records each input as it was sent: the SDK's
   * paginators reuse one input object, so the calls the mock keeps all show the last token.
   */
  function recordInputs(command: typeof ListPipelineExecutionsCommand, pages: ListPipelineExecutionsOutput[]) {
    const inputs: unknown[] = [];
    mock.on(command).callsFake((input: object) => {
      inputs.push({ ...input });
      return pages[inputs.length - 1];
    });
    return inputs;
  }

  it("starts an execution with exactly the client request token", async () => {
    mock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "exec-1" });
    const started = await cloud.pipelines.startExecution(PIPELINE, {
      clientRequestToken: "op-7f3c",
      reason: "deploy 1.4.2",
    });
    assert.deepEqual(started, { executionId: "exec-1" });
    const calls = mock.commandCalls(StartPipelineExecutionCommand);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.args[0].input, { name: PIPELINE, clientRequestToken: "op-7f3c" });
    assert.equal(mock.commandCalls(GetPipelineCommand).length, 0, "no lookup without a source revision");
  });

  it("pins a source revision on the pipeline's only source action", async () => {
    mock.on(GetPipelineCommand).resolves({
      pipeline: { name: PIPELINE, roleArn: "r", stages: [sourceStage(["CodeStarSourceConnection"]), deployStage] },
    });
    mock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "exec-2" });
    await cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "op-1", sourceRevision: "9fceb02" });
    assert.deepEqual(mock.commandCalls(StartPipelineExecutionCommand)[0]?.args[0].input, {
      name: PIPELINE,
      clientRequestToken: "op-1",
      sourceRevisions: [{ actionName: "Source0", revisionType: "COMMIT_ID", revisionValue: "9fceb02" }],
    });
  });

  it("refuses a source revision when the pipeline has several source actions, without starting", async () => {
    mock
      .on(GetPipelineCommand)
      .resolves({ pipeline: { name: PIPELINE, roleArn: "r", stages: [sourceStage(["S3", "ECR"]), deployStage] } });
    await assert.rejects(
      cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "op-2", sourceRevision: "v7" }),
      (error: unknown) =>
        error instanceof CloudError && error.kind === "invalid_request" && /2 source actions/.test(error.message),
    );
    assert.equal(mock.commandCalls(StartPipelineExecutionCommand).length, 0);
  });

  it("describes a pipeline's stages", async () => {
    mock.on(GetPipelineCommand, { name: PIPELINE }).resolves({
      pipeline: { name: PIPELINE, roleArn: "r", stages: [sourceStage(["S3"]), deployStage] },
      metadata: { pipelineArn: "arn:p" },
    });
    assert.deepEqual(await cloud.pipelines.describePipeline(PIPELINE), {
      name: PIPELINE,
      arn: "arn:p",
      stages: ["Source", "Deploy"],
    });
  });

  it("gets an execution", async () => {
    mock.on(GetPipelineExecutionCommand, { pipelineName: PIPELINE, pipelineExecutionId: "exec-1" }).resolves({
      pipelineExecution: {
        pipelineName: PIPELINE,
        pipelineExecutionId: "exec-1",
        status: "InProgress",
        statusSummary: "Deploying",
        artifactRevisions: [{ name: "source", revisionId: "9fceb02" }],
        trigger: { triggerType: "StartPipelineExecution", triggerDetail: "arn:aws:iam::1:user/ops" },
      },
    });
    assert.deepEqual(await cloud.pipelines.getExecution(PIPELINE, "exec-1"), {
      pipelineName: PIPELINE,
      executionId: "exec-1",
      status: "InProgress",
      statusSummary: "Deploying",
      startedAt: null,
      updatedAt: null,
      sourceRevision: "9fceb02",
      trigger: "StartPipelineExecution",
    });
  });

  it("lists executions newest first across pages", async () => {
    const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));
    const pages: ListPipelineExecutionsOutput[] = [
      {
        pipelineExecutionSummaries: [
          { pipelineExecutionId: "e3", status: "InProgress", startTime: at(30), lastUpdateTime: at(31) },
          { pipelineExecutionId: "e2", status: "Failed", startTime: at(20), lastUpdateTime: at(25) },
        ],
        nextToken: "page-2",
      },
      {
        pipelineExecutionSummaries: [
          {
            pipelineExecutionId: "e1",
            status: "Succeeded",
            startTime: at(10),
            lastUpdateTime: at(15),
            sourceRevisions: [{ actionName: "Source", revisionId: "abc" }],
            trigger: { triggerType: "Webhook" },
          },
        ],
      },
    ];
    const inputs = recordInputs(ListPipelineExecutionsCommand, pages);
    const executions = await cloud.pipelines.listExecutions(PIPELINE);
    assert.deepEqual(
      executions.map((e) => [e.executionId, e.status]),
      [
        ["e3", "InProgress"],
        ["e2", "Failed"],
        ["e1", "Succeeded"],
      ],
    );
    assert.deepEqual(executions[2], {
      executionId: "e1",
      status: "Succeeded",
      startedAt: at(10),
      updatedAt: at(15),
      sourceRevision: "abc",
      trigger: "Webhook",
    });
    assert.deepEqual(inputs, [
      { pipelineName: PIPELINE, maxResults: 100, nextToken: undefined },
      { pipelineName: PIPELINE, maxResults: 100, nextToken: "page-2" },
    ]);
  });

  it("stops listing once the limit is reached", async () => {
    const inputs = recordInputs(ListPipelineExecutionsCommand, [
      {
        pipelineExecutionSummaries: [
          { pipelineExecutionId: "e3", status: "InProgress" },
          { pipelineExecutionId: "e2", status: "Failed" },
        ],
        nextToken: "more",
      },
    ]);
    const executions = await cloud.pipelines.listExecutions(PIPELINE, 2);
    assert.deepEqual(
      executions.map((e) => e.executionId),
      ["e3", "e2"],
    );
    assert.deepEqual(inputs, [{ pipelineName: PIPELINE, maxResults: 2, nextToken: undefined }]);
  });

  it("stops an execution, abandoning it, with the reason", async () => {
    mock.on(StopPipelineExecutionCommand).resolves({ pipelineExecutionId: "exec-1" });
    await cloud.pipelines.stopExecution(PIPELINE, "exec-1", { abandon: true, reason: "bad build" });
    assert.deepEqual(mock.commandCalls(StopPipelineExecutionCommand)[0]?.args[0].input, {
      pipelineName: PIPELINE,
      pipelineExecutionId: "exec-1",
      abandon: true,
      reason: "bad build",
    });
  });

  it("gets the state of every stage", async () => {
    mock.on(GetPipelineStateCommand, { name: PIPELINE }).resolves({
      pipelineName: PIPELINE,
      stageStates: [
        { stageName: "Source", latestExecution: { pipelineExecutionId: "exec-1", status: "Succeeded" } },
        { stageName: "Deploy", latestExecution: { pipelineExecutionId: "exec-1", status: "InProgress" } },
        { stageName: "Verify" },
      ],
    });
    assert.deepEqual(await cloud.pipelines.getState(PIPELINE), {
      pipelineName: PIPELINE,
      stages: [
        { name: "Source", status: "Succeeded", executionId: "exec-1" },
        { name: "Deploy", status: "InProgress", executionId: "exec-1" },
        { name: "Verify", status: null, executionId: null },
      ],
    });
  });

  it("rolls a stage back to an earlier execution", async () => {
    mock.on(RollbackStageCommand).resolves({ pipelineExecutionId: "exec-rollback" });
    const rolledBack = await cloud.pipelines.rollbackStage(PIPELINE, "Deploy", "exec-0");
    assert.deepEqual(rolledBack, { executionId: "exec-rollback" });
    assert.deepEqual(mock.commandCalls(RollbackStageCommand)[0]?.args[0].input, {
      pipelineName: PIPELINE,
      stageName: "Deploy",
      targetPipelineExecutionId: "exec-0",
    });
  });

  describe("errors", () => {
    it("maps ThrottlingException to a retryable throttled error", async () => {
      const throttled = new CodePipelineServiceException({
        name: "ThrottlingException",
        $fault: "client",
        $metadata: metadata("req-throttled"),
        message: "Rate exceeded",
      });
      mock.on(StartPipelineExecutionCommand).rejects(throttled);
      await assert.rejects(
        cloud.pipelines.startExecution(PIPELINE, { clientRequestToken: "op-3" }),
        (error: unknown) => {
          assert.ok(error instanceof CloudError);
          assert.equal(error.kind, "throttled");
          assert.equal(error.retryable, true);
          assert.equal(error.providerCode, "ThrottlingException");
          assert.equal(error.requestId, "req-throttled");
          assert.equal(error.service, "codepipeline");
          assert.equal(error.cause, throttled);
          return true;
        },
      );
    });

    it("maps PipelineExecutionNotStoppableException to invalid_state", async () => {
      mock
        .on(StopPipelineExecutionCommand)
        .rejects(
          new PipelineExecutionNotStoppableException({ $metadata: metadata("req-stop"), message: "already finished" }),
        );
      await assert.rejects(
        cloud.pipelines.stopExecution(PIPELINE, "exec-1", { abandon: false }),
        (error: unknown) =>
          error instanceof CloudError &&
          error.kind === "invalid_state" &&
          !error.retryable &&
          error.providerCode === "PipelineExecutionNotStoppableException",
      );
    });

    it("maps PipelineNotFoundException to not_found", async () => {
      mock
        .on(GetPipelineStateCommand)
        .rejects(new PipelineNotFoundException({ $metadata: metadata("req-404"), message: "no pipeline named nope" }));
      await assert.rejects(
        cloud.pipelines.getState("nope"),
        (error: unknown) => error instanceof CloudError && error.kind === "not_found" && error.requestId === "req-404",
      );
    });
  });
});

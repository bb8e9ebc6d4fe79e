// The IAM actions the control plane's roles get (infra/) come from AWS_ADAPTER_IAM_ACTIONS.
// These tests read the adapter's sources and fail when that list and the code differ.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { AWS_ADAPTER_IAM_ACTIONS, adapterIamActionNames } from "../src/index.ts";

const ADAPTER_DIR = path.join(import.meta.dirname, "../src/aws");
const NOT_ADAPTER_CALLS = new Set(["awsErrors.ts", "iamActions.ts"]);

function adapterSources(): { file: string; text: string }[] {
  return readdirSync(ADAPTER_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !NOT_ADAPTER_CALLS.has(entry.name))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file: path.relative(ADAPTER_DIR, file), text: readFileSync(file, "utf8") };
    });
}

const CALL = /\bawsCall\s*(?:<[^>]*>)?\(\s*"([a-z0-9]+)"\s*,\s*"([A-Za-z0-9]+)"/g;
const ANY_CALL = /\bawsCall\s*(?:<[^>]*>)?\(/g;
const SDK_OPERATION = /\bnew ([A-Z][A-Za-z0-9]*)Command\(|\bpaginate([A-Z][A-Za-z0-9]*)\(/g;

function pairsInSources(): Set<string> {
  const pairs = new Set<string>();
  for (const { file, text } of adapterSources()) {
    const literal = [...text.matchAll(CALL)];
    const all = [...text.matchAll(ANY_CALL)];
    // A call whose service or operation is not a string literal could not be checked.
    assert.equal(literal.length, all.length, `${file}: every awsCall( names its service and operation as literals`);
    for (const [, service, operation] of literal) pairs.add(`${service}:${operation}`);
  }
  return pairs;
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe("AWS adapter IAM actions", () => {
  it("lists exactly the awsCall(service, operation) pairs in the adapter's sources", () => {
    const inCode = pairsInSources();
    const calls = AWS_ADAPTER_IAM_ACTIONS.filter((a) => a.impliedBy === undefined);
    const listed = new Set(calls.map((a) => `${a.service}:${a.operation}`));
    assert.ok(inCode.size > 20, `found only ${inCode.size} calls: the scan is broken`);
    assert.deepEqual(
      sorted([...inCode].filter((pair) => !listed.has(pair))),
      [],
      "called by the adapter but missing from AWS_ADAPTER_IAM_ACTIONS",
    );
    assert.deepEqual(
      sorted([...listed].filter((pair) => !inCode.has(pair))),
      [],
      "listed in AWS_ADAPTER_IAM_ACTIONS but no longer called by the adapter",
    );
    assert.equal(listed.size, calls.length, "each pair is listed once");
  });

  it("names, for each action IAM checks during another call, a call the adapter makes", () => {
    const implied = AWS_ADAPTER_IAM_ACTIONS.filter((a) => a.impliedBy !== undefined);
    assert.deepEqual(
      implied.map((a) => `${a.service}:${a.action} during ${a.impliedBy}`),
      ["rds:AddTagsToResource during RestoreDBInstanceToPointInTime"],
    );
    const inCode = pairsInSources();
    for (const action of implied) assert.ok(inCode.has(`${action.service}:${action.impliedBy}`), action.action);
  });

  it("every SDK command or paginator the adapter sends is one of the listed operations", () => {
    // Catches an SDK call made outside awsCall, which the first test cannot see.
    const operations = new Set(AWS_ADAPTER_IAM_ACTIONS.map((a) => a.operation));
    const unlisted = new Set<string>();
    for (const { text } of adapterSources()) {
      for (const match of text.matchAll(SDK_OPERATION)) {
        const operation = match[1] ?? match[2] ?? "";
        if (!operations.has(operation)) unlisted.add(operation);
      }
    }
    assert.deepEqual(sorted(unlisted), []);
  });

  it("maps SDK operations to IAM action names where they differ", () => {
    const s3 = AWS_ADAPTER_IAM_ACTIONS.filter((a) => a.service === "s3").map((a) => `${a.operation}->${a.action}`);
    assert.deepEqual(sorted(s3), ["GetBucketTagging->GetBucketTagging", "ListBuckets->ListAllMyBuckets"]);
    assert.ok(adapterIamActionNames().includes("s3:ListAllMyBuckets"));
    assert.ok(!adapterIamActionNames().includes("s3:ListBuckets"));
  });

  it("names the resource types of every mutating action, and none for reads", () => {
    for (const action of AWS_ADAPTER_IAM_ACTIONS) {
      if (action.mutates) assert.ok(action.resourceTypes.length > 0, `${action.service}:${action.action}`);
      else assert.deepEqual(action.resourceTypes, [], `${action.service}:${action.action}`);
    }
    assert.deepEqual(adapterIamActionNames({ mutates: true }), [
      "autoscaling:PutScalingPolicy",
      "autoscaling:SetDesiredCapacity",
      "autoscaling:StartInstanceRefresh",
      "autoscaling:UpdateAutoScalingGroup",
      "codepipeline:RollbackStage",
      "codepipeline:StartPipelineExecution",
      "codepipeline:StopPipelineExecution",
      "ec2:CreateLaunchTemplateVersion",
      "elasticbeanstalk:CreateConfigurationTemplate",
      "elasticbeanstalk:CreateEnvironment",
      "elasticbeanstalk:SwapEnvironmentCNAMEs",
      "elasticbeanstalk:TerminateEnvironment",
      "elasticbeanstalk:UpdateEnvironment",
      "rds:AddTagsToResource",
      "rds:CreateDBSnapshot",
      "rds:DeleteDBInstance",
      "rds:ModifyDBInstance",
      "rds:PromoteReadReplica",
      "rds:RestoreDBInstanceToPointInTime",
      "rds:StartDBInstanceAutomatedBackupsReplication",
      "rds:StopDBInstanceAutomatedBackupsReplication",
    ]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AutoScalingServiceException,
  ResourceInUseFault,
  ScalingActivityInProgressFault,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchServiceException } from "@aws-sdk/client-cloudwatch";
import {
  CodePipelineServiceException,
  ConflictException,
  PipelineExecutionNotFoundException,
  PipelineExecutionNotStoppableException,
  PipelineNotFoundException,
} from "@aws-sdk/client-codepipeline";
import { EC2ServiceException } from "@aws-sdk/client-ec2";
import {
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PointInTimeRestoreNotEnabledFault,
  RDSClient,
  RDSServiceException,
} from "@aws-sdk/client-rds";
import { CloudError, type CloudErrorKind } from "@fastier/core";
import { mockClient } from "aws-sdk-client-mock";
import { awsCall } from "../../src/aws/awsErrors.ts";
import { type AwsService, cloudErrorFromAws } from "../../src/aws/index.ts";
import { MOCK_CLIENT_CONFIG, metadata, mockedCloud } from "./mockedCloud.ts";

interface Row {
  error: Error;
  service: AwsService;
  kind: CloudErrorKind;
  providerCode: string;
  requestId?: string;
}

/** An error as the SDK builds it from an awsQuery (XML) answer: the wire code is in `Code`. */
function queryError<E extends Error>(error: E, code: string): E {
  return Object.assign(error, { Code: code });
}

const generic = (
  Base: typeof RDSServiceException | typeof EC2ServiceException | typeof AutoScalingServiceException,
  name: string,
  fault: "client" | "server",
  requestId: string,
  httpStatusCode: number,
  message = `${name} happened`,
) => new Base({ name, $fault: fault, $metadata: metadata(requestId, httpStatusCode), message });

const ROWS: Row[] = [
  // throttled
  {
    error: queryError(generic(RDSServiceException, "Throttling", "client", "r1", 400), "Throttling"),
    service: "rds",
    kind: "throttled",
    providerCode: "Throttling",
    requestId: "r1",
  },
  {
    error: generic(EC2ServiceException, "RequestLimitExceeded", "client", "r2", 503),
    service: "ec2",
    kind: "throttled",
    providerCode: "RequestLimitExceeded",
    requestId: "r2",
  },
  {
    error: new CodePipelineServiceException({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: metadata("r3"),
      message: "slow down",
    }),
    service: "codepipeline",
    kind: "throttled",
    providerCode: "ThrottlingException",
    requestId: "r3",
  },
  {
    error: new CloudWatchServiceException({
      name: "TooManyRequestsException",
      $fault: "client",
      $metadata: metadata("r4", 429),
      message: "x",
    }),
    service: "cloudwatch",
    kind: "throttled",
    providerCode: "TooManyRequestsException",
    requestId: "r4",
  },
  {
    error: new CloudWatchServiceException({
      name: "SomethingNew",
      $fault: "client",
      $metadata: metadata("r5", 429),
      message: "x",
    }),
    service: "cloudwatch",
    kind: "throttled",
    providerCode: "SomethingNew",
    requestId: "r5",
  },
  // unavailable
  {
    error: generic(RDSServiceException, "ServiceUnavailable", "server", "r6", 503),
    service: "rds",
    kind: "unavailable",
    providerCode: "ServiceUnavailable",
    requestId: "r6",
  },
  {
    error: new CloudWatchServiceException({
      name: "InternalFailure",
      $fault: "server",
      $metadata: metadata("r7", 500),
      message: "x",
    }),
    service: "cloudwatch",
    kind: "unavailable",
    providerCode: "InternalFailure",
    requestId: "r7",
  },
  {
    error: generic(AutoScalingServiceException, "BrandNewServerFault", "server", "r8", 502),
    service: "autoscaling",
    kind: "unavailable",
    providerCode: "BrandNewServerFault",
    requestId: "r8",
  },
  {
    error: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      $metadata: { attempts: 5 },
    }),
    service: "ec2",
    kind: "unavailable",
    providerCode: "ECONNREFUSED",
  },
  {
    error: Object.assign(new Error("Connection timed out after 5000 ms"), { name: "TimeoutError" }),
    service: "s3",
    kind: "unavailable",
    providerCode: "TimeoutError",
  },
  {
    error: Object.assign(new SyntaxError("Unexpected token '<'"), { $metadata: { httpStatusCode: 500 } }),
    service: "codepipeline",
    kind: "unavailable",
    providerCode: "SyntaxError",
  },
  // not_found
  {
    error: queryError(
      new DBInstanceNotFoundFault({ $metadata: metadata("r9", 404), message: "DBInstance db not found." }),
      "DBInstanceNotFound",
    ),
    service: "rds",
    kind: "not_found",
    providerCode: "DBInstanceNotFound",
    requestId: "r9",
  },
  {
    error: new DBInstanceNotFoundFault({ $metadata: metadata("r10", 404), message: "DBInstance db not found." }),
    service: "rds",
    kind: "not_found",
    providerCode: "DBInstanceNotFoundFault",
    requestId: "r10",
  },
  {
    error: new PipelineNotFoundException({ $metadata: metadata("r11"), message: "no pipeline" }),
    service: "codepipeline",
    kind: "not_found",
    providerCode: "PipelineNotFoundException",
    requestId: "r11",
  },
  {
    error: new PipelineExecutionNotFoundException({ $metadata: metadata("r12"), message: "no execution" }),
    service: "codepipeline",
    kind: "not_found",
    providerCode: "PipelineExecutionNotFoundException",
    requestId: "r12",
  },
  {
    error: queryError(
      generic(
        AutoScalingServiceException,
        "ValidationError",
        "client",
        "r13",
        400,
        "AutoScalingGroup name not found - nope",
      ),
      "ValidationError",
    ),
    service: "autoscaling",
    kind: "not_found",
    providerCode: "ValidationError",
    requestId: "r13",
  },
  {
    error: generic(EC2ServiceException, "InvalidLaunchTemplateName.NotFoundException", "client", "r14", 400),
    service: "ec2",
    kind: "not_found",
    providerCode: "InvalidLaunchTemplateName.NotFoundException",
    requestId: "r14",
  },
  // invalid_state
  {
    error: queryError(
      new InvalidDBInstanceStateFault({ $metadata: metadata("r15"), message: "DB Instance is not a read replica." }),
      "InvalidDBInstanceState",
    ),
    service: "rds",
    kind: "invalid_state",
    providerCode: "InvalidDBInstanceState",
    requestId: "r15",
  },
  {
    error: new InvalidDBInstanceStateFault({ $metadata: metadata("r16"), message: "busy" }),
    service: "rds",
    kind: "invalid_state",
    providerCode: "InvalidDBInstanceStateFault",
    requestId: "r16",
  },
  {
    error: new ScalingActivityInProgressFault({ $metadata: metadata("r17"), message: "busy" }),
    service: "autoscaling",
    kind: "invalid_state",
    providerCode: "ScalingActivityInProgressFault",
    requestId: "r17",
  },
  {
    error: queryError(new ResourceInUseFault({ $metadata: metadata("r18"), message: "in use" }), "ResourceInUse"),
    service: "autoscaling",
    kind: "invalid_state",
    providerCode: "ResourceInUse",
    requestId: "r18",
  },
  {
    error: new PipelineExecutionNotStoppableException({ $metadata: metadata("r19"), message: "done" }),
    service: "codepipeline",
    kind: "invalid_state",
    providerCode: "PipelineExecutionNotStoppableException",
    requestId: "r19",
  },
  {
    error: new ConflictException({ $metadata: metadata("r20", 409), message: "conflict" }),
    service: "codepipeline",
    kind: "invalid_state",
    providerCode: "ConflictException",
    requestId: "r20",
  },
  // invalid_request
  {
    error: queryError(
      generic(
        AutoScalingServiceException,
        "ValidationError",
        "client",
        "r21",
        400,
        "New SetDesiredCapacity value 10 is above max value 4",
      ),
      "ValidationError",
    ),
    service: "autoscaling",
    kind: "invalid_request",
    providerCode: "ValidationError",
    requestId: "r21",
  },
  {
    error: queryError(
      generic(RDSServiceException, "InvalidParameterValue", "client", "r22", 400),
      "InvalidParameterValue",
    ),
    service: "rds",
    kind: "invalid_request",
    providerCode: "InvalidParameterValue",
    requestId: "r22",
  },
  {
    error: queryError(
      generic(RDSServiceException, "InvalidParameterCombination", "client", "r23", 400),
      "InvalidParameterCombination",
    ),
    service: "rds",
    kind: "invalid_request",
    providerCode: "InvalidParameterCombination",
    requestId: "r23",
  },
  {
    error: queryError(
      new DBInstanceAlreadyExistsFault({ $metadata: metadata("r24"), message: "exists" }),
      "DBInstanceAlreadyExists",
    ),
    service: "rds",
    kind: "invalid_request",
    providerCode: "DBInstanceAlreadyExists",
    requestId: "r24",
  },
  {
    error: new PointInTimeRestoreNotEnabledFault({ $metadata: metadata("r25"), message: "no backups" }),
    service: "rds",
    kind: "invalid_request",
    providerCode: "PointInTimeRestoreNotEnabledFault",
    requestId: "r25",
  },
  {
    error: generic(EC2ServiceException, "SomethingUnheardOf", "client", "r26", 400),
    service: "ec2",
    kind: "invalid_request",
    providerCode: "SomethingUnheardOf",
    requestId: "r26",
  },
  // access_denied
  {
    error: queryError(generic(RDSServiceException, "AccessDenied", "client", "r27", 403), "AccessDenied"),
    service: "rds",
    kind: "access_denied",
    providerCode: "AccessDenied",
    requestId: "r27",
  },
  {
    error: new CodePipelineServiceException({
      name: "AccessDeniedException",
      $fault: "client",
      $metadata: metadata("r28", 400),
      message: "no",
    }),
    service: "codepipeline",
    kind: "access_denied",
    providerCode: "AccessDeniedException",
    requestId: "r28",
  },
  {
    error: generic(EC2ServiceException, "UnauthorizedOperation", "client", "r29", 403),
    service: "ec2",
    kind: "access_denied",
    providerCode: "UnauthorizedOperation",
    requestId: "r29",
  },
];

describe("AWS error mapping", () => {
  for (const row of ROWS) {
    it(`maps ${row.providerCode} from ${row.service} to ${row.kind}`, () => {
      const mapped = cloudErrorFromAws(row.error, row.service, "SomeOperation");
      assert.ok(mapped instanceof CloudError);
      assert.equal(mapped.kind, row.kind);
      assert.equal(mapped.retryable, row.kind === "throttled" || row.kind === "unavailable");
      assert.equal(mapped.cause, row.error, "the SDK error is kept as cause");
      assert.equal(mapped.providerCode, row.providerCode);
      assert.equal(mapped.requestId, row.requestId);
      assert.equal(mapped.service, row.service);
      assert.match(mapped.message, new RegExp(`^${row.service} SomeOperation failed: `));
    });
  }

  it("lets a CloudError through unchanged", async () => {
    const original = new CloudError("invalid_state", "not a replica", { service: "rds" });
    await assert.rejects(
      awsCall("rds", "PromoteReadReplica", () => Promise.reject(original)),
      (error: unknown) => error === original,
    );
  });

  it("turns whatever a call throws, even a non-Error, into a CloudError", async () => {
    await assert.rejects(
      awsCall("s3", "ListBuckets", () => Promise.reject("socket closed")),
      (error: unknown) =>
        error instanceof CloudError && error.kind === "invalid_request" && error.cause === "socket closed",
    );
  });

  it("wraps SDK errors that escape an adapter method", async () => {
    const rds = new RDSClient(MOCK_CLIENT_CONFIG);
    const mock = mockClient(rds);
    const notFound = queryError(
      new DBInstanceNotFoundFault({ $metadata: metadata("req-db"), message: "DBInstance ghost not found." }),
      "DBInstanceNotFound",
    );
    mock.on(DescribeDBInstancesCommand).rejects(notFound);
    await assert.rejects(mockedCloud({ rds }).databases.promoteReadReplica("ghost"), (error: unknown) => {
      assert.ok(error instanceof CloudError);
      assert.equal(error.kind, "not_found");
      assert.equal(error.cause, notFound);
      assert.equal(error.requestId, "req-db");
      assert.equal(error.message, "rds DescribeDBInstances failed: DBInstanceNotFound: DBInstance ghost not found.");
      return true;
    });
  });
});

import { CloudError, type CloudErrorKind } from "@fastier/core";

/** AWS service namespaces, as they appear in ARNs; kept on every CloudError as `service`. */
export type AwsService =
  | "autoscaling"
  | "rds"
  | "cloudwatch"
  | "codepipeline"
  | "ec2"
  | "elasticloadbalancing"
  | "s3"
  | "route53"
  | "elasticbeanstalk";

const THROTTLING_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "ProvisionedThroughputExceededException",
  "SlowDown",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
  // An update to the same Auto Scaling resource is still pending: waiting is the cure.
  "ResourceContention",
  "ResourceContentionFault",
]);

const UNAVAILABLE_CODES = new Set([
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ServiceUnavailableError",
  "InternalFailure",
  "InternalError",
  "InternalServerError",
  "InternalServiceError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "Unavailable",
]);

const INVALID_STATE_CODES = new Set([
  "InvalidDBInstanceState",
  "InvalidDBInstanceStateFault",
  "InvalidDBSnapshotState",
  "InvalidDBSnapshotStateFault",
  "InvalidDBClusterStateFault",
  "ScalingActivityInProgress",
  "ScalingActivityInProgressFault",
  "ResourceInUse",
  "ResourceInUseFault",
  "PipelineExecutionNotStoppableException",
  "DuplicatedStopRequestException",
  "PipelineExecutionOutdatedException",
  "UnableToRollbackStageException",
  "StageNotRetryableException",
  "NotLatestPipelineExecutionException",
  "ConcurrentPipelineExecutionsLimitExceededException",
  "ConcurrentModificationException",
  "ConflictException",
  "IncorrectInstanceState",
  "IncorrectState",
  "OperationInProgress",
  "OperationInProgressException",
]);

const INVALID_REQUEST_CODES = new Set([
  "ValidationError",
  "ValidationException",
  "MissingParameter",
  "InvalidAction",
  "InvalidNextToken",
  "InvalidNextTokenException",
  "InvalidStructureException",
  "InvalidClientTokenException",
  "SerializationException",
  "DBInstanceAlreadyExists",
  "DBInstanceAlreadyExistsFault",
  "DBSnapshotAlreadyExists",
  "DBSnapshotAlreadyExistsFault",
  "PointInTimeRestoreNotEnabled",
  "PointInTimeRestoreNotEnabledFault",
  "InvalidRestoreFault",
  "StorageQuotaExceeded",
  "InstanceQuotaExceeded",
  "SnapshotQuotaExceeded",
  "LimitExceeded",
  "LimitExceededFault",
  "LimitExceededException",
  "AlreadyExists",
  "AlreadyExistsFault",
]);

const ACCESS_DENIED_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
  "AuthFailure",
  "AuthorizationError",
  "NotAuthorized",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "ExpiredToken",
  "ExpiredTokenException",
  "OptInRequired",
  "CredentialsProviderError",
]);

/** Node's socket and DNS failures: the request never got an answer. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** What an SDK v3 error carries, read without trusting its class (mocks and emulators vary). */
interface SdkErrorFacts {
  code: string | undefined;
  message: string;
  fault: "client" | "server" | undefined;
  httpStatus: number | undefined;
  requestId: string | undefined;
}

function factsOf(error: unknown): SdkErrorFacts {
  if (typeof error !== "object" || error === null) {
    return { code: undefined, message: String(error), fault: undefined, httpStatus: undefined, requestId: undefined };
  }
  const e = error as Record<string, unknown>;
  const metadata = (e.$metadata ?? {}) as { httpStatusCode?: unknown; requestId?: unknown };
  // awsQuery errors carry the wire code in `Code` (e.g. DBInstanceNotFound) and a class name with a
  // `Fault` suffix in `name`; JSON protocols only have `name`; Node network errors put it in `code`.
  const code = [e.Code, e.code, e.name].find(
    (candidate): candidate is string => typeof candidate === "string" && candidate !== "" && candidate !== "Error",
  );
  return {
    code,
    message: typeof e.message === "string" ? e.message : String(error),
    fault: e.$fault === "client" || e.$fault === "server" ? e.$fault : undefined,
    httpStatus: typeof metadata.httpStatusCode === "number" ? metadata.httpStatusCode : undefined,
    requestId: typeof metadata.requestId === "string" && metadata.requestId !== "" ? metadata.requestId : undefined,
  };
}

function kindOf(facts: SdkErrorFacts): CloudErrorKind {
  const { code = "", message, fault, httpStatus } = facts;
  if (THROTTLING_CODES.has(code)) return "throttled";
  if (UNAVAILABLE_CODES.has(code) || NETWORK_ERROR_CODES.has(code)) return "unavailable";
  if (ACCESS_DENIED_CODES.has(code) || code.startsWith("AccessDenied")) return "access_denied";
  if (/NotFound|^NoSuch/.test(code)) return "not_found";
  // Auto Scaling reports an unknown group as a plain ValidationError.
  if (code === "ValidationError" && /not found/i.test(message)) return "not_found";
  if (INVALID_STATE_CODES.has(code)) return "invalid_state";
  if (INVALID_REQUEST_CODES.has(code) || code.startsWith("InvalidParameter")) return "invalid_request";
  if (httpStatus === 429) return "throttled";
  if (httpStatus !== undefined && httpStatus >= 500) return "unavailable";
  if (httpStatus === 401 || httpStatus === 403) return "access_denied";
  if (httpStatus === 404) return "not_found";
  if (httpStatus === 409) return "invalid_state";
  if (fault === "server") return "unavailable";
  // Anything else is a request the provider will refuse again: not worth retrying.
  return "invalid_request";
}

/** Translates anything an SDK call threw into a CloudError that keeps the original as `cause`. */
export function cloudErrorFromAws(error: unknown, service: AwsService, operation: string): CloudError {
  if (error instanceof CloudError) return error;
  const facts = factsOf(error);
  const kind = kindOf(facts);
  const code = facts.code ? `${facts.code}: ` : "";
  return new CloudError(kind, `${service} ${operation} failed: ${code}${facts.message}`, {
    providerCode: facts.code,
    requestId: facts.requestId,
    service,
    cause: error,
  });
}

/** Runs one AWS call (or a paginated series of them) so that only CloudError can escape. */
export async function awsCall<T>(service: AwsService, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw cloudErrorFromAws(error, service, operation);
  }
}

/**
 * What can go wrong when the control plane talks to a cloud, independent of
 * the provider. Adapters translate their SDK's errors into these and keep the
 * original as `cause`; the reconciler retries only the retryable ones.
 */
export type CloudErrorKind =
  | "throttled"
  | "unavailable"
  | "not_found"
  | "invalid_state"
  | "invalid_request"
  | "access_denied";

export interface CloudErrorDetails {
  /** The provider's error code, e.g. `InvalidDBInstanceState`. */
  providerCode?: string;
  /** The provider's request id, for support cases. */
  requestId?: string;
  /** The service that answered, e.g. `rds`. */
  service?: string;
  cause?: unknown;
}

export class CloudError extends Error {
  override name = "CloudError";
  readonly providerCode: string | undefined;
  readonly requestId: string | undefined;
  readonly service: string | undefined;

  constructor(
    readonly kind: CloudErrorKind,
    message: string,
    details: CloudErrorDetails = {},
  ) {
    super(message, { cause: details.cause });
    this.providerCode = details.providerCode;
    this.requestId = details.requestId;
    this.service = details.service;
  }

  /** Throttling and service unavailability pass; everything else needs a different request. */
  get retryable(): boolean {
    return this.kind === "throttled" || this.kind === "unavailable";
  }
}

export const isCloudError = (error: unknown): error is CloudError => error instanceof CloudError;

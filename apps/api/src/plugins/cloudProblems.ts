import type { CloudError, CloudErrorKind } from "@fastier/core";

export interface CloudProblem {
  status: number;
  code: string;
  detail: string;
  extra: Record<string, unknown>;
  /** Seconds a client should wait before retrying, for errors that pass. */
  retryAfterSeconds?: number;
}

const STATUS_OF_CLOUD_KIND: Record<CloudErrorKind, number> = {
  invalid_state: 409,
  invalid_request: 422,
  not_found: 404,
  // The control plane's own credentials lack a permission: not the caller's fault.
  access_denied: 502,
  throttled: 503,
  unavailable: 503,
};

/**
 * How a cloud's refusal reaches the client: with the provider's own reason and
 * codes (so an operator can look them up), and a retry hint when it will pass.
 */
export function problemForCloudError(error: CloudError): CloudProblem {
  const status = STATUS_OF_CLOUD_KIND[error.kind];
  return {
    status,
    code: `cloud_${error.kind}`,
    detail: error.message,
    extra: {
      retryable: error.retryable,
      ...(error.service && { service: error.service }),
      ...(error.providerCode && { providerCode: error.providerCode }),
      ...(error.requestId && { cloudRequestId: error.requestId }),
    },
    ...(error.retryable && { retryAfterSeconds: 5 }),
  };
}

import { CloudError, type CloudErrorKind } from "@fastier/core";

/** Errors shaped like the AWS adapter's: the same kinds, AWS's error codes and wording. */
export function simError(
  kind: CloudErrorKind,
  service: "autoscaling" | "rds" | "codepipeline" | "monitoring" | "elasticloadbalancing" | "ec2" | "elasticbeanstalk",
  providerCode: string,
  message: string,
): CloudError {
  return new CloudError(kind, message, { providerCode, service, requestId: "sim" });
}

import { MOTO_REGION, type MotoServer } from "./motoServer.ts";

/**
 * Creates an IAM role in moto that `service` may assume, e.g. for CodePipeline,
 * which moto checks on CreatePipeline. No IAM SDK client is installed, so this
 * is the plain query API; moto routes by the credential scope and does not
 * verify the signature.
 */
export async function createServiceRole(moto: MotoServer, roleName: string, service: string): Promise<string> {
  const trustPolicy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
  const response = await fetch(`${moto.endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=test/20250101/${MOTO_REGION}/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({
      Action: "CreateRole",
      Version: "2010-05-08",
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
    }),
  });
  const body = await response.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(body)?.[1];
  if (!response.ok || !arn) throw new Error(`moto CreateRole answered ${response.status}: ${body.slice(0, 500)}`);
  return arn;
}

import path from "node:path";

/** The repository's root folder (infra/lib is two levels down). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/** Where `npm run build:lambda` writes the bundles: `api/index.mjs` and `worker/index.mjs`. */
export const DEFAULT_LAMBDA_ASSET_DIR = path.join(REPO_ROOT, "dist/lambda");

/** Where `npm run infra:synth` writes the CloudFormation templates and assets. */
export const DEFAULT_CDK_OUT = path.join(REPO_ROOT, "infra/cdk.out");

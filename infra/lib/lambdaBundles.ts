import { existsSync } from "node:fs";
import path from "node:path";

/** The two bundles the control plane deploys, each one ESM file with its handlers. */
export const LAMBDA_BUNDLES = ["api", "worker"] as const;
export type LambdaBundle = (typeof LAMBDA_BUNDLES)[number];

/** The `index.mjs` files missing from an asset directory (`<dir>/api/index.mjs`, `<dir>/worker/index.mjs`). */
export function missingLambdaBundles(assetDir: string): string[] {
  return LAMBDA_BUNDLES.map((bundle) => path.join(assetDir, bundle, "index.mjs")).filter((file) => !existsSync(file));
}

export function assertLambdaBundles(assetDir: string): void {
  const missing = missingLambdaBundles(assetDir);
  if (missing.length > 0) {
    throw new Error(
      `Lambda bundle(s) missing: ${missing.join(", ")}. Run \`npm run build:lambda\` first ` +
        "(or point the lambdaAssetDir context at a directory holding api/index.mjs and worker/index.mjs).",
    );
  }
}

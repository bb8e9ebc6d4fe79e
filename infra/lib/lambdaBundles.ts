import { existsSync } from "node:fs";
import path from "node:path";

/** The two bundles the control plane deploys, each with its handlers in index.mjs. */
export const LAMBDA_BUNDLES = ["api", "worker"] as const;
export type LambdaBundle = (typeof LAMBDA_BUNDLES)[number];

/**
 * The Node.js major the functions run (`nodejs<major>.x`; the stack's test holds the two together). The
 * API bundle's V8 code cache is taken only by the Node release that made it, so build on this major.
 */
export const LAMBDA_NODE_MAJOR = 22;

/**
 * What an asset directory must hold: each bundle's `index.mjs`, the API's code that its index.mjs
 * compiles (`app.cjs`; its code cache `app.cjs.cache` is optional: without it the code compiles
 * from source), and the dashboard the API function serves at / (`npm run build:lambda` copies the
 * web build to `api/web/`).
 */
const REQUIRED_FILES = [
  path.join("api", "index.mjs"),
  path.join("api", "app.cjs"),
  path.join("api", "web", "index.html"),
  path.join("worker", "index.mjs"),
];

/** The required files missing from an asset directory (`<dir>/api/index.mjs`, `<dir>/api/web/index.html`, …). */
export function missingLambdaBundles(assetDir: string): string[] {
  return REQUIRED_FILES.map((file) => path.join(assetDir, file)).filter((file) => !existsSync(file));
}

export function assertLambdaBundles(assetDir: string): void {
  const missing = missingLambdaBundles(assetDir);
  if (missing.length > 0) {
    throw new Error(
      `Lambda bundle(s) missing: ${missing.join(", ")}. Run \`npm run build:lambda\` first ` +
        "(or point the lambdaAssetDir context at a directory holding api/index.mjs, api/app.cjs, api/web/index.html and worker/index.mjs).",
    );
  }
}

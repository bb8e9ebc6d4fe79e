// npm run infra:synth [-- --lambda-dir <dir>] [-- -c key=value ...]
// Synthesises both CDK stacks offline into infra/cdk.out and prints each template's path, size and
// resource count. Builds the Lambda bundles first when dist/lambda/*/index.mjs are missing.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createFastierApp } from "../infra/lib/fastierApp.ts";
import { missingLambdaBundles } from "../infra/lib/lambdaBundles.ts";
import { DEFAULT_CDK_OUT, DEFAULT_LAMBDA_ASSET_DIR, REPO_ROOT } from "../infra/lib/repoPaths.ts";

const { values } = parseArgs({
  options: {
    "lambda-dir": { type: "string" },
    context: { type: "string", short: "c", multiple: true },
    out: { type: "string" },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const context: Record<string, string> = {};
for (const pair of values.context ?? []) {
  const at = pair.indexOf("=");
  if (at <= 0) fail(`-c expects key=value, not ${pair}`);
  context[pair.slice(0, at)] = pair.slice(at + 1);
}

const override = values["lambda-dir"] ?? process.env.FASTIER_LAMBDA_ASSET_DIR ?? context.lambdaAssetDir;
const lambdaAssetDir = path.resolve(override ?? DEFAULT_LAMBDA_ASSET_DIR);

/** Builds the bundles with scripts/buildLambda.ts when it exists; false when it does not. */
async function buildBundles(): Promise<boolean> {
  const script = path.join(REPO_ROOT, "scripts/buildLambda.ts");
  if (!existsSync(script)) return false;
  const buildScript = (await import(pathToFileURL(script).href)) as Record<string, unknown>;
  const build = buildScript.buildLambdaBundles;
  if (typeof build !== "function") fail(`${script} exports no buildLambdaBundles(): run \`npm run build:lambda\``);
  console.log("Lambda bundles missing: building them (scripts/buildLambda.ts)");
  const bundles = await build();
  if (typeof buildScript.reportBundles === "function") buildScript.reportBundles(bundles);
  return true;
}

let missing = missingLambdaBundles(lambdaAssetDir);
if (missing.length > 0 && override === undefined) {
  if (!(await buildBundles())) {
    fail(
      `Lambda bundles missing (${missing.join(", ")}) and scripts/buildLambda.ts does not exist yet: run \`npm run build:lambda\` first`,
    );
  }
  missing = missingLambdaBundles(lambdaAssetDir);
}
if (missing.length > 0) fail(`Lambda bundles missing: ${missing.join(", ")}. Run \`npm run build:lambda\` first.`);

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const outdir = path.resolve(values.out ?? DEFAULT_CDK_OUT);
const started = Date.now();
const { app } = createFastierApp({
  appProps: { outdir, context: { ...context, lambdaAssetDir } },
  env: account && region ? { account, region } : undefined,
});
const assembly = app.synth();

const relative = (file: string) => path.relative(process.cwd(), file);
console.log(`Synthesised in ${((Date.now() - started) / 1000).toFixed(1)} s into ${relative(outdir)}`);
console.log(`  Lambda code from ${relative(lambdaAssetDir)}`);
for (const stack of assembly.stacks) {
  const template = stack.template as { Resources?: Record<string, unknown> };
  const file = path.join(assembly.directory, stack.templateFile);
  const kib = (statSync(file).size / 1024).toFixed(1);
  console.log(
    `  ${stack.stackName.padEnd(20)} ${relative(file)}  ${Object.keys(template.Resources ?? {}).length} resources  ${kib} KiB`,
  );
  for (const message of stack.messages) {
    if (message.level !== "info") console.log(`    ${message.level}: ${String(message.entry.data)}`);
  }
}

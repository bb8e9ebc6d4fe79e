// The CDK app: `npx cdk deploy --app "npx tsx infra/bin/app.ts" …` (or `npm run infra:synth`).
import { createFastierApp } from "../lib/fastierApp.ts";

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

// Environment-agnostic unless the CDK CLI (or the caller) resolved an account and region.
const { app } = createFastierApp({ env: account && region ? { account, region } : undefined });
app.synth();

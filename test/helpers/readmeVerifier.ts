import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export type ReadmeVerifier = (secret: string, rawBody: string, header: string, nowSeconds?: number) => boolean;

/**
 * The README's webhook verification snippet, run as written: the block after the
 * `webhook-verification` marker, saved as a module and imported.
 */
export async function readmeVerifier(): Promise<ReadmeVerifier> {
  const readme = readFileSync("README.md", "utf8");
  const block = /<!-- webhook-verification -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no webhook-verification snippet");
  const file = path.join(await mkdtemp(path.join(tmpdir(), "fastier-readme-")), "verify.mjs");
  writeFileSync(file, block);
  const module = (await import(file)) as { verifyFastierWebhook: ReadmeVerifier };
  return module.verifyFastierWebhook;
}

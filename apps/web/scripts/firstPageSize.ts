// npm run web:size (and the end of npm run web:build): what the dashboard's first page downloads,
// gzipped, against its budget. Fails when over it.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
/** JS + CSS the first page loads, gzipped; 1 KB = 1,000 bytes. */
export const FIRST_PAGE_BUDGET_BYTES = 200_000;

/** The scripts and stylesheets index.html names (the entry and what it preloads). */
export function firstPageAssets(indexHtml: string): string[] {
  const found = [...indexHtml.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1] ?? "");
  return [...new Set(found)];
}

export async function measureFirstPage(dist = DIST) {
  const index = await readFile(path.join(dist, "index.html"), "utf8");
  const assets = await Promise.all(
    firstPageAssets(index).map(async (name) => {
      const bytes = await readFile(path.join(dist, name));
      return { name, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
    }),
  );
  return { assets, gzipped: assets.reduce((sum, asset) => sum + asset.gzipped, 0) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { assets, gzipped } = await measureFirstPage();
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  for (const asset of assets) console.log(`  ${asset.name}  ${kb(asset.bytes)}  (${kb(asset.gzipped)} gzipped)`);
  console.log(`dashboard first page: ${kb(gzipped)} of JS + CSS gzipped (budget ${kb(FIRST_PAGE_BUDGET_BYTES)})`);
  if (assets.length === 0 || gzipped > FIRST_PAGE_BUDGET_BYTES) process.exit(1);
}

import { type AuditContext, createInventoryService, issueApiKey, type SeedResource, SYSTEM_ACTOR } from "@fastier/core";
import { createInventoryStore, createPrismaApiKeyStore, openDatabaseHandle } from "@fastier/db";
import { BENCH_ENVIRONMENT, benchResources } from "./inventoryFixture.ts";

export interface BenchData {
  resources: number;
  /** A viewer key, ready for `Authorization: Bearer`. */
  apiKey: string;
}

const AUDIT: AuditContext = { actor: { ...SYSTEM_ACTOR, name: "system:bench" }, requestId: null };
/** Stacks created side by side; each stack is created in order because children name their parents. */
const PARALLEL_STACKS = 8;

/**
 * Loads the inventory through the domain (the same rules and writes as the
 * API's POST), so the rows are exactly what real use produces.
 */
export async function seedBenchData(url: string, resourceCount: number): Promise<BenchData> {
  const database = openDatabaseHandle({ url, poolMax: PARALLEL_STACKS });
  try {
    const store = createInventoryStore(database);
    const service = createInventoryService(store);
    const environment = await store.createEnvironment(BENCH_ENVIRONMENT, AUDIT);

    const createStack = async (stack: SeedResource[]) => {
      const idsByCloudId = new Map<string, string>();
      for (const { parent, ...resource } of stack) {
        const parentId = parent ? (idsByCloudId.get(parent) ?? null) : null;
        const created = await service.createResource({ ...resource, environmentId: environment.id, parentId }, AUDIT);
        idsByCloudId.set(resource.cloudId, created.id);
      }
      return stack.length;
    };
    const stacks = benchResources(resourceCount);
    let resources = 0;
    for (let start = 0; start < stacks.length; start += PARALLEL_STACKS) {
      const counts = await Promise.all(stacks.slice(start, start + PARALLEL_STACKS).map(createStack));
      resources += counts.reduce((sum, count) => sum + count, 0);
    }
    // Planner statistics as a long-running database would have them.
    await database.prisma.$executeRawUnsafe("ANALYZE");

    const issued = issueApiKey();
    await createPrismaApiKeyStore(database.prisma).create(
      { name: "bench-viewer", role: "viewer", prefix: issued.prefix, hash: issued.hash, createdBy: "bench" },
      AUDIT,
    );
    return { resources, apiKey: issued.key };
  } finally {
    await database.close();
  }
}

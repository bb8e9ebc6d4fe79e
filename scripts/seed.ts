// npm run seed: loads Fastier's production environment, adding only what is missing.
import {
  FASTIER_PRODUCTION_ENVIRONMENT,
  FASTIER_PRODUCTION_RESOURCES,
  SYSTEM_ACTOR,
  seedInventory,
} from "@fastier/core";
import { createInventoryStore } from "@fastier/db";
import { withCliDatabase } from "./cliDatabase.ts";

const result = await withCliDatabase((database) =>
  seedInventory(createInventoryStore(database), FASTIER_PRODUCTION_ENVIRONMENT, FASTIER_PRODUCTION_RESOURCES, {
    actor: { ...SYSTEM_ACTOR, name: "system:seed" },
    requestId: null,
  }),
);
console.log(
  `environment "${FASTIER_PRODUCTION_ENVIRONMENT.name}" (${result.environmentId}): ${
    result.environmentCreated ? "created" : "already present"
  }; ${result.resourcesCreated} resources created, ${result.resourcesPresent} already present`,
);

// `npm run openapi`: writes openapi.json and the typed client's schema.ts.
import { writeFile } from "node:fs/promises";
import {
  buildOpenapiDocument,
  CLIENT_QUERY_VALUES_PATH,
  CLIENT_SCHEMA_PATH,
  generateClientTypes,
  generateQueryValues,
  OPENAPI_JSON_PATH,
  serializeOpenapiDocument,
} from "./openapiDocument.ts";

const document = await buildOpenapiDocument();
await writeFile(OPENAPI_JSON_PATH, serializeOpenapiDocument(document));
await writeFile(CLIENT_SCHEMA_PATH, await generateClientTypes(document));
await writeFile(CLIENT_QUERY_VALUES_PATH, generateQueryValues(document));
console.log(`wrote ${OPENAPI_JSON_PATH}, ${CLIENT_SCHEMA_PATH} and ${CLIENT_QUERY_VALUES_PATH}`);

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/testDatabase.ts";
import { resourceListQuery } from "../src/stores/resourceListQuery.ts";

let database: TestDatabase;
/** One connection, so that every list below runs on the same PostgreSQL session. */
let pool: pg.Pool;

before(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 1 });
});

after(async () => {
  await pool.end();
  await database.drop();
});

async function preparedListStatements(): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT name FROM pg_prepared_statements WHERE name LIKE 'resource\\_list\\_%' ORDER BY name",
  );
  return rows.map((row) => row.name);
}

describe("resourceListQuery", () => {
  it("names a statement by its shape, so that other values reuse it and another shape gets its own", () => {
    const first = resourceListQuery({ sort: "name", limit: 50, namePrefix: "api" });
    const sameShape = resourceListQuery({ sort: "name", limit: 10, namePrefix: "web" });
    const otherSort = resourceListQuery({ sort: "-createdAt", limit: 50, namePrefix: "api" });
    assert.equal(sameShape.name, first.name);
    assert.deepEqual(sameShape.values, ["web%", 11]);
    assert.notEqual(otherSort.name, first.name);
    assert.notEqual(otherSort.text, first.text);
  });

  it("is prepared once per connection and then only bound and executed", async () => {
    const byName = resourceListQuery({ sort: "name", limit: 50 });
    await pool.query(byName);
    await pool.query(resourceListQuery({ sort: "name", limit: 5 }));
    assert.deepEqual(await preparedListStatements(), [byName.name]);

    const byKind = resourceListQuery({ sort: "name", limit: 50, kind: "pipeline" });
    const { rows } = await pool.query(byKind);
    assert.deepEqual(rows, []);
    assert.deepEqual(await preparedListStatements(), [byName.name, byKind.name].sort());
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createEmptyDatabase } from "../../../test/helpers/testDatabase.ts";
import { inTransaction, inTransactionOn } from "../src/stores/pgTransaction.ts";

let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let pool: pg.Pool;

before(async () => {
  database = await createEmptyDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  await pool.query("CREATE TABLE notes (id int PRIMARY KEY)");
});

after(async () => {
  await pool.end();
  await database.drop();
});

async function noteIds(): Promise<number[]> {
  return (await pool.query<{ id: number }>("SELECT id FROM notes ORDER BY id")).rows.map((row) => row.id);
}

async function backendPid(client: pg.ClientBase): Promise<number> {
  return (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
}

/** Gives back the pool's one idle connection (its backend pid) after making its ROLLBACK fail. */
async function idleConnectionWhoseRollbackFails(): Promise<number> {
  const client = await pool.connect();
  const pid = await backendPid(client);
  const query = client.query.bind(client) as (text: string) => Promise<pg.QueryResult>;
  // Like a ROLLBACK that times out: the connection still looks usable to the pool.
  Object.assign(client, {
    query: (text: string, ...rest: unknown[]) =>
      text === "ROLLBACK"
        ? Promise.reject(new Error("rollback lost"))
        : (query as (...args: unknown[]) => Promise<pg.QueryResult>)(text, ...rest),
  });
  client.release();
  return pid;
}

describe("inTransaction", () => {
  it("commits what the work wrote and returns its result", async () => {
    const result = await inTransaction(pool, async (client) => {
      await client.query("INSERT INTO notes (id) VALUES (1), (2)");
      return "written";
    });
    assert.equal(result, "written");
    assert.deepEqual(await noteIds(), [1, 2]);
    await pool.query("DELETE FROM notes");
  });

  it("rolls back when the work throws, rethrows its error and keeps the healthy connection", async () => {
    const failure = new Error("work failed");
    let pid = 0;
    await assert.rejects(
      inTransaction(pool, async (client) => {
        pid = await backendPid(client);
        await client.query("INSERT INTO notes (id) VALUES (3)");
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.deepEqual(await noteIds(), []);
    const client = await pool.connect();
    try {
      assert.equal(await backendPid(client), pid, "a connection that rolled back is reused");
    } finally {
      client.release();
    }
  });

  it("releases a connection whose ROLLBACK fails with that error, so the pool does not reuse it", async () => {
    const pid = await idleConnectionWhoseRollbackFails();
    const failure = new Error("work failed");
    await assert.rejects(
      inTransaction(pool, async (client) => {
        assert.equal(await backendPid(client), pid);
        await client.query("INSERT INTO notes (id) VALUES (4)");
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(pool.totalCount, 0, "the broken connection left the pool");
    // Destroying the connection ended its session, and with it the transaction that was never rolled back.
    assert.deepEqual(await noteIds(), []);
    const client = await pool.connect();
    try {
      assert.notEqual(await backendPid(client), pid);
    } finally {
      client.release();
    }
  });
});

describe("inTransactionOn a connection the caller holds", () => {
  it("commits on success and rolls back on a thrown error, leaving the connection usable", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await inTransactionOn(client, async () => {
        await client.query("INSERT INTO notes (id) VALUES (5)");
      });
      const failure = new Error("work failed");
      await assert.rejects(
        inTransactionOn(client, async () => {
          await client.query("INSERT INTO notes (id) VALUES (6)");
          throw failure;
        }),
        (error) => error === failure,
      );
      assert.deepEqual((await client.query("SELECT id FROM notes ORDER BY id")).rows, [{ id: 5 }]);
    } finally {
      await client.end();
      await pool.query("DELETE FROM notes");
    }
  });
});

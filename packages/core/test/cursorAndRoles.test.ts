import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeCursor,
  encodeCursor,
  hashApiKey,
  issueApiKey,
  looksLikeApiKey,
  roleAllows,
  ValidationError,
} from "../src/index.ts";

describe("cursors", () => {
  it("round-trip a position", () => {
    const position = { sort: "-createdAt", value: "2026-01-01T00:00:00.000Z", id: "abc" };
    assert.deepEqual(decodeCursor(encodeCursor(position), "-createdAt"), position);
  });

  it("refuse garbage and a cursor issued for another sort", () => {
    for (const bad of [
      "",
      "not-a-cursor",
      Buffer.from("[1,2]").toString("base64url"),
      Buffer.from("{}").toString("base64url"),
    ]) {
      assert.throws(() => decodeCursor(bad, "name"), ValidationError);
    }
    const byName = encodeCursor({ sort: "name", value: "a", id: "1" });
    assert.throws(() => decodeCursor(byName, "-name"), /issued for sort=name/);
  });
});

describe("roles and keys", () => {
  it("orders roles viewer < operator < admin", () => {
    assert.equal(roleAllows("admin", "operator"), true);
    assert.equal(roleAllows("operator", "operator"), true);
    assert.equal(roleAllows("operator", "admin"), false);
    assert.equal(roleAllows("viewer", "operator"), false);
  });

  it("issues unique keys, stored only as their SHA-256", () => {
    const a = issueApiKey();
    const b = issueApiKey();
    assert.notEqual(a.key, b.key);
    assert.equal(a.hash, hashApiKey(a.key));
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.ok(a.key.startsWith(a.prefix));
    assert.equal(looksLikeApiKey(a.key), true);
    assert.equal(a.hash.includes(a.key), false);
  });
});

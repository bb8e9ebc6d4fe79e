/**
 * Deterministic randomness. A draw is a pure function of a key (an execution
 * id, an instance id and minute, ...), so every process sharing a simulated
 * account makes the same decision and tests can reason about outcomes.
 */

/** A number in [0, 1) for a key. */
export type DrawSource = (key: string) => number;

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a with a murmur3 finaliser: cheap, well mixed, 32 bits. */
export function hashString(text: string): number {
  return finalise(fnv1a(FNV_OFFSET, text));
}

/**
 * `hashString(prefix + suffix)` for many suffixes, the prefix hashed once:
 * the load model hashes one key per instance and minute, and the instance
 * part is most of the key.
 */
export function prefixHash(prefix: string): (suffix: string) => number {
  const state = fnv1a(FNV_OFFSET, prefix);
  return (suffix) => finalise(fnv1a(state, suffix));
}

function fnv1a(state: number, text: string): number {
  let hash = state;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}

function finalise(state: number): number {
  let hash = state;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export const unitHash = (key: string): number => hashString(key) / 0x1_0000_0000;

/** Keyed draws by default; an injected generator (e.g. a seeded PRNG) replaces them when given. */
export function createDrawSource(random?: () => number): DrawSource {
  if (!random) return unitHash;
  return () => {
    const value = random();
    if (!(value >= 0 && value < 1)) throw new RangeError(`random() must return a number in [0, 1); got ${value}`);
    return value;
  };
}

/** `length` lower-case hex digits drawn from `key`. */
export function hexFromDraws(draw: DrawSource, key: string, length: number): string {
  let hex = "";
  for (let part = 0; hex.length < length; part += 1) {
    hex += Math.floor(draw(`${key}#${part}`) * 0x1_0000_0000)
      .toString(16)
      .padStart(8, "0");
  }
  return hex.slice(0, length);
}

/** A UUID-shaped id (version 4 layout), as CodePipeline uses for executions. */
export function uuidFromDraws(draw: DrawSource, key: string): string {
  const hex = hexFromDraws(draw, key, 32);
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

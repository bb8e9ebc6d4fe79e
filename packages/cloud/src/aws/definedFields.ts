/**
 * The fields whose value is not `undefined`. Commands built with it carry
 * exactly what the caller gave, which keeps exact-input assertions honest.
 */
export function definedFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

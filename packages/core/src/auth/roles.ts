export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Roles are ordered: an admin may do everything an operator may, and so on. */
export function roleAllows(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

import { Type } from "typebox";

/** Request fields several kinds share, with the same bounds everywhere. */
export const Reason = Type.Optional(Type.String({ maxLength: 200, description: "Why, for the audit trail" }));
export const Count = Type.Integer({ format: "int32", minimum: 0, maximum: 10_000 });
export const DbIdentifier = Type.String({ minLength: 1, maxLength: 63 });
export const ExecutionId = Type.String({ minLength: 1, maxLength: 200 });

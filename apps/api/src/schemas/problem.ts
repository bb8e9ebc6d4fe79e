import { Type } from "typebox";

/** RFC 9457 problem details, with the fields this API adds. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: "URI naming the problem type" }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: "Stable machine-readable code" }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String({ description: "body, querystring, params or headers" }),
          field: Type.String({ description: "JSON pointer of the field" }),
          rule: Type.String({ description: "The rule that failed (type, maxLength, required, ...)" }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: "Problem", additionalProperties: true },
);

export const ProblemRef = Type.Ref("Problem");

/** Problem responses every route with input can answer. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, ProblemRef]));
}

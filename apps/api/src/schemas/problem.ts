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

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "The request is invalid; `errors` names each field and rule",
  401: "No API key, or an unknown or revoked one",
  403: "The API key's role is too weak for this",
  404: "Not found",
  409: "Conflicts with the current state",
  412: "If-Match names a version that is no longer current",
  413: "The body is too large",
  415: "The body is not application/json",
  429: "Too many requests: the API key (or the address, without a valid key) has used up this minute's requests; retry after `Retry-After` seconds",
  503: "A dependency is unavailable",
};

/** A response documented as RFC 9457 problem+json, the content type it is sent with. */
export function problemResponse(status: number) {
  return {
    description: PROBLEM_DESCRIPTIONS[status] ?? "Problem",
    content: { "application/problem+json": { schema: ProblemRef } },
  };
}

/** Problem responses a route can answer, by status. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)]));
}

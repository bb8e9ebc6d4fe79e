import type { components } from "@fastier/client";

export type Problem = components["schemas"]["Problem"];

/** A failed API call, carrying the problem+json the API answered (its `detail` is what a person reads). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | null,
  ) {
    super(problem?.detail ?? problem?.title ?? `the API answered ${status}`);
    this.name = "ApiProblem";
  }
}

/** A line to show for any failure: the problem's detail, its fields and rules, or the error's message. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiProblem) {
    const fields = (error.problem?.errors ?? []).map((item) => `${item.field}: ${item.message}`);
    return [error.message, ...fields].join("; ");
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** openapi-fetch's answer: the data, or a problem thrown as ApiProblem. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const problem = (result.error && typeof result.error === "object" ? result.error : null) as Partial<Problem> | null;
    throw new ApiProblem(result.response.status, problem);
  }
  return result.data;
}

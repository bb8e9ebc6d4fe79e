import type { components } from "@fastier/client";
import { formatTime, formatValue, humanize } from "./format.ts";
import { TableScroll } from "./TableScroll.tsx";

type OperationPlan = components["schemas"]["OperationPlan"];

/** An operation's plan: what changes from → to, the checks it passed, approval and deadline. */
export function PlanView(props: { plan: OperationPlan }) {
  const { plan } = props;
  return (
    <div class="plan">
      <p class="plan-summary">{plan.summary}</p>
      {plan.changes.length > 0 && (
        <TableScroll label="Changes">
          <table>
            <caption>Changes</caption>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
              </tr>
            </thead>
            <tbody>
              {plan.changes.map((change) => (
                <tr key={change.field}>
                  <th scope="row">{humanize(change.field)}</th>
                  <td>{formatValue(change.from)}</td>
                  <td>{formatValue(change.to)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {plan.checks.length > 0 && (
        <>
          <h3>Checks</h3>
          <ul class="checks">
            {plan.checks.map((check) => (
              <li key={check.name} class={check.passed ? "passed" : "not-passed"}>
                <strong>{check.passed ? "✓ passed" : "✗ not passed"}</strong> {humanize(check.name)}: {check.detail}
              </li>
            ))}
          </ul>
        </>
      )}
      {plan.approval && (
        <p class="note">
          Needs approval by another person with the {plan.approval.approverRole} role (expires after{" "}
          {plan.approval.expiresAfterMinutes} min).
        </p>
      )}
      {plan.deadline && (
        <p class="note">
          Deadline {plan.deadline.timeoutMinutes} min ({humanize(plan.deadline.from)}), until{" "}
          {formatTime(plan.deadline.at)}.
        </p>
      )}
    </div>
  );
}

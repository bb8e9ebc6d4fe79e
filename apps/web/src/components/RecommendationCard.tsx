import type { components } from "@fastier/client";
import { useState } from "preact/hooks";
import { dryRunPlan, startedOperationId } from "../api/operationAnswers.ts";
import { must } from "../api/problem.ts";
import { useSession } from "../session/context.ts";
import { may } from "../session/session.ts";
import { Badge } from "./Badge.tsx";
import { DismissDialog } from "./DismissDialog.tsx";
import { formatPercent, formatTime, formatUsd, formatValue, humanize } from "./format.ts";
import { Link } from "./Link.tsx";
import { PlanThenConfirm } from "./PlanThenConfirm.tsx";
import { TableScroll } from "./TableScroll.tsx";

type Recommendation = components["schemas"]["Recommendation"];

/** A recommendation with its rationale and numbers; an operator applies it after reading the plan. */
export function RecommendationCard(props: { recommendation: Recommendation; onChanged: () => void }) {
  const { api, session } = useSession();
  const rec = props.recommendation;
  const [dialog, setDialog] = useState<"apply" | "dismiss" | null>(null);
  const canAct = may.actAs(session, "operator") && rec.status === "open";
  const path = { id: rec.id };
  return (
    <article class="card recommendation" aria-labelledby={`rec-${rec.id}`}>
      <header>
        <h3 id={`rec-${rec.id}`}>{rec.title}</h3>
        <Badge value={rec.status} />
      </header>
      <p>{rec.rationale}</p>
      <dl class="figures">
        {Object.entries(rec.proposal).map(([name, value]) => (
          <div key={name}>
            <dt>{humanize(name)}</dt>
            <dd>{formatValue(value)}</dd>
          </div>
        ))}
        <div>
          <dt>monthly cost</dt>
          <dd>{formatUsd(rec.monthlyCostDeltaUsd)}</dd>
        </div>
      </dl>
      {rec.options.length > 0 && (
        <TableScroll label="Instance types that fit">
          <table>
            <caption>Instance types that fit</caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Memory</th>
                <th scope="col">vCPUs</th>
                <th scope="col">Projected peak</th>
                <th scope="col">Monthly cost</th>
              </tr>
            </thead>
            <tbody>
              {rec.options.map((option) => (
                <tr key={option.instanceType}>
                  <th scope="row">{option.instanceType}</th>
                  <td>{option.memoryGiB} GiB</td>
                  <td>{option.vcpus}</td>
                  <td>{formatPercent(option.projectedPeakPercent)}</td>
                  <td>{formatUsd(option.monthlyCostDeltaUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {rec.manualSteps && (
        <ol class="steps">
          {rec.manualSteps.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      )}
      <p class="meta">
        For <Link href={`/resources/${rec.resourceId}`}>its resource</Link> ·{" "}
        <Link href={`/findings/${rec.findingId}`}>the finding</Link> · proposed {formatTime(rec.createdAt)}
        {rec.appliedOperationId && (
          <>
            {" "}
            · applied by {rec.appliedBy}: <Link href={`/operations/${rec.appliedOperationId}`}>its operation</Link>
          </>
        )}
        {rec.dismissReason && <> · dismissed: {rec.dismissReason}</>}
      </p>
      {canAct && (
        <div class="actions">
          {rec.apply && (
            <button type="button" class="primary" onClick={() => setDialog("apply")}>
              Apply…
            </button>
          )}
          <button type="button" onClick={() => setDialog("dismiss")}>
            Dismiss…
          </button>
        </div>
      )}
      {dialog === "apply" && (
        <PlanThenConfirm
          title={`Apply: ${rec.title}`}
          confirmLabel="Apply now"
          onClose={() => setDialog(null)}
          preview={async () =>
            dryRunPlan(
              must(await api.POST("/v1/recommendations/{id}/apply", { params: { path }, body: { dryRun: true } })),
            )
          }
          confirm={async () =>
            startedOperationId(must(await api.POST("/v1/recommendations/{id}/apply", { params: { path }, body: {} })))
          }
        >
          <p>
            Monthly cost change: <strong>{formatUsd(rec.monthlyCostDeltaUsd)}</strong>
          </p>
        </PlanThenConfirm>
      )}
      {dialog === "dismiss" && (
        <DismissDialog
          title={rec.title}
          onClose={() => setDialog(null)}
          onDismiss={async (reason) => {
            must(await api.POST("/v1/recommendations/{id}/dismiss", { params: { path }, body: { reason } }));
            setDialog(null);
            props.onChanged();
          }}
        />
      )}
    </article>
  );
}

import type { components } from "@fastier/client";
import { useEffect, useState } from "preact/hooks";
import { followOperationEvents, type OperationEvent } from "../api/operationEvents.ts";
import { describeFailure, must } from "../api/problem.ts";
import { useQuery } from "../api/useQuery.ts";
import { Badge } from "../components/Badge.tsx";
import { DismissDialog } from "../components/DismissDialog.tsx";
import { formatTime, formatValue, humanize } from "../components/format.ts";
import { Link } from "../components/Link.tsx";
import { PlanView } from "../components/PlanView.tsx";
import { Async } from "../components/States.tsx";
import type { PageProps } from "../router.ts";
import { type SignedIn, useSession } from "../session/context.ts";
import { may } from "../session/session.ts";

type OperationWithEvents = components["schemas"]["OperationWithEvents"];

const ACTIVE = new Set(["awaiting_approval", "pending", "running"]);
/** After a stream closed early (a server restart), reconnect this soon, resuming after the last event. */
const RECONNECT_MS = 2_000;

export function OperationDetail({ params }: PageProps) {
  const { api } = useSession();
  const id = params.id ?? "";
  const operation = useQuery(
    async (signal) => must(await api.GET("/v1/operations/{id}", { params: { path: { id } }, signal })),
    [id],
  );
  return (
    <section>
      <Async query={operation} what="the operation">
        {(data) => <OperationView key={data.id} operation={data} reload={operation.reload} />}
      </Async>
    </section>
  );
}

function OperationView(props: { operation: OperationWithEvents; reload: () => void }) {
  const op = props.operation;
  const signedIn = useSession();
  const live = useLiveEvents(signedIn, op, props.reload);
  const events = [...op.events, ...live.events.filter((event) => !op.events.some((known) => known.id === event.id))];
  const status = statusAfter(live.events) ?? op.status;
  return (
    <>
      <h1>
        {humanize(op.kind)} <Badge value={status} />
      </h1>
      <p class="meta">
        On <Link href={`/resources/${op.targetResourceId}`}>its target</Link> · requested by {op.requestedByName}{" "}
        {formatTime(op.createdAt)} · step <strong>{op.step}</strong> · deadline {formatTime(op.deadlineAt)}
        {op.finishedAt && <> · finished {formatTime(op.finishedAt)}</>}
      </p>
      <p class="live" role="status" aria-live="polite">
        {live.following ? "Following live progress…" : ACTIVE.has(op.status) ? "" : `Ended: ${humanize(op.status)}.`}
      </p>
      {op.error && (
        <div class="error" role="alert">
          <p>
            <strong>{op.error.code}</strong>: {op.error.message}
          </p>
        </div>
      )}
      {live.error !== null && <p class="error">Live progress interrupted: {describeFailure(live.error)}</p>}
      <OperationActions operation={op} onChanged={props.reload} />
      <h2>Progress</h2>
      <ol class="timeline">
        {events.map((event) => (
          <li key={event.id}>
            <span class="when">{formatTime(event.at)}</span> <Badge value={event.type} />{" "}
            <span class="message">{event.message}</span>
          </li>
        ))}
      </ol>
      <h2>Plan</h2>
      <PlanView plan={op.plan} />
      {op.result && (
        <>
          <h2>Result</h2>
          <dl class="figures">
            {Object.entries(op.result).map(([name, value]) => (
              <div key={name}>
                <dt>{humanize(name)}</dt>
                <dd>{formatValue(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </>
  );
}

/** What the latest streamed event says the status is now, so the heading follows the operation live. */
function statusAfter(events: OperationEvent[]): string | undefined {
  const type = events.at(-1)?.type;
  if (type === "started" || type === "progress" || type === "retry") return "running";
  if (type === "approved") return "pending";
  if (type && ["succeeded", "failed", "cancelled", "rejected", "expired"].includes(type)) return type;
  return undefined;
}

/** Streams new events while the operation is active; reloads the operation when it ends. */
function useLiveEvents(session: SignedIn, operation: OperationWithEvents, onEnded: () => void) {
  const [liveEvents, setLiveEvents] = useState<OperationEvent[]>([]);
  const [following, setFollowing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const active = ACTIVE.has(operation.status);
  // one stream per operation while it is active
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    let lastId = operation.events.at(-1)?.id ?? null;
    let ended = false;
    async function follow() {
      setFollowing(true);
      while (!controller.signal.aborted && !ended) {
        try {
          await followOperationEvents(
            session.api,
            operation.id,
            lastId,
            {
              onEvent: (event) => {
                lastId = event.id;
                setLiveEvents((previous) => [...previous, event]);
              },
              onEnd: () => {
                ended = true;
              },
            },
            controller.signal,
          );
          setError(null);
        } catch (failure) {
          if (controller.signal.aborted) return;
          setError(failure);
        }
        if (!ended) await new Promise((resolve) => window.setTimeout(resolve, RECONNECT_MS));
      }
      setFollowing(false);
      if (ended) onEnded();
    }
    follow();
    return () => controller.abort();
  }, [operation.id, active]);
  return { events: liveEvents, following, error };
}

function OperationActions(props: { operation: OperationWithEvents; onChanged: () => void }) {
  const { api, session } = useSession();
  const op = props.operation;
  const [dialog, setDialog] = useState<"approve" | "reject" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const path = { id: op.id };
  const canCancel = may.actAs(session, "operator") && ACTIVE.has(op.status) && !op.cancelRequested;
  const approverRole = op.plan.approval?.approverRole;
  const canDecide =
    op.status === "awaiting_approval" &&
    approverRole !== undefined &&
    may.actAs(session, approverRole) &&
    op.requestedByKeyId !== session.me.id;
  if (!canCancel && !canDecide) return null;

  async function cancel() {
    setError(null);
    try {
      must(await api.POST("/v1/operations/{id}/cancel", { params: { path } }));
      props.onChanged();
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <div class="actions">
      {canDecide && (
        <>
          <button type="button" class="primary" onClick={() => setDialog("approve")}>
            Approve…
          </button>
          <button type="button" onClick={() => setDialog("reject")}>
            Reject…
          </button>
        </>
      )}
      {canCancel && (
        <button type="button" class="danger" onClick={cancel}>
          Cancel operation
        </button>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {describeFailure(error)}
        </p>
      )}
      {dialog && (
        <DismissDialog
          title={humanize(op.kind)}
          verb={dialog === "approve" ? "Approve" : "Reject"}
          reasonRequired={false}
          onClose={() => setDialog(null)}
          onDismiss={async (reason) => {
            const body = reason ? { reason } : {};
            const route = dialog === "approve" ? "/v1/operations/{id}/approve" : "/v1/operations/{id}/reject";
            must(await api.POST(route, { params: { path }, body }));
            setDialog(null);
            props.onChanged();
          }}
        />
      )}
    </div>
  );
}

import type { components } from "@fastier/client";
import { useState } from "preact/hooks";
import { dryRunPlan, startedOperationId } from "../api/operationAnswers.ts";
import { must } from "../api/problem.ts";
import { useSession } from "../session/context.ts";
import { may } from "../session/session.ts";
import { Dialog } from "./Dialog.tsx";
import { PlanThenConfirm } from "./PlanThenConfirm.tsx";

type Resource = components["schemas"]["Resource"];

/**
 * Disaster-recovery actions on a database, offered only to keys whose role may
 * request them (`GET /v1/me`'s `mayRequest`): promoting a replica and restoring
 * to the latest restorable time, each after reading its plan.
 */
export function DatabaseActions(props: { resource: Resource }) {
  const { api, session } = useSession();
  const { resource } = props;
  const [dialog, setDialog] = useState<"promote" | "restore-name" | "restore" | null>(null);
  const [target, setTarget] = useState(`${resource.cloudId}-restored`);
  const path = { id: resource.id };
  const canPromote = resource.database?.role === "replica" && may.request(session, "promote_replica");
  const canRestore = resource.database !== null && may.request(session, "restore_point_in_time");
  if (!canPromote && !canRestore) return null;
  const restoreBody = { targetIdentifier: target.trim(), useLatestRestorableTime: true };
  return (
    <div class="actions">
      {canPromote && (
        <button type="button" class="danger" onClick={() => setDialog("promote")}>
          Promote replica…
        </button>
      )}
      {canRestore && (
        <button type="button" onClick={() => setDialog("restore-name")}>
          Restore to a point in time…
        </button>
      )}
      {dialog === "promote" && (
        <PlanThenConfirm
          title={`Promote ${resource.cloudId}`}
          confirmLabel={`Promote ${resource.cloudId} (cannot be undone)`}
          onClose={() => setDialog(null)}
          preview={async () =>
            dryRunPlan(
              must(
                await api.POST("/v1/resources/{id}/promote", {
                  params: { path },
                  body: { confirm: resource.cloudId, dryRun: true },
                }),
              ),
            )
          }
          confirm={async () =>
            startedOperationId(
              must(
                await api.POST("/v1/resources/{id}/promote", { params: { path }, body: { confirm: resource.cloudId } }),
              ),
            )
          }
        />
      )}
      {dialog === "restore-name" && (
        <Dialog title={`Restore ${resource.cloudId}`} onClose={() => setDialog(null)}>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setDialog("restore");
            }}
          >
            <label for="restore-target">New instance identifier</label>
            <input
              id="restore-target"
              value={target}
              maxLength={63}
              required
              onInput={(event) => setTarget(event.currentTarget.value)}
            />
            <p class="help">The latest restorable time is used; settings default to the source's.</p>
            <div class="actions">
              <button type="button" onClick={() => setDialog(null)}>
                Close
              </button>
              <button type="submit" class="primary" disabled={!target.trim()}>
                Show the plan
              </button>
            </div>
          </form>
        </Dialog>
      )}
      {dialog === "restore" && (
        <PlanThenConfirm
          title={`Restore ${resource.cloudId} as ${restoreBody.targetIdentifier}`}
          confirmLabel="Restore now"
          onClose={() => setDialog(null)}
          preview={async () =>
            dryRunPlan(
              must(
                await api.POST("/v1/resources/{id}/restore", {
                  params: { path },
                  body: { ...restoreBody, dryRun: true },
                }),
              ),
            )
          }
          confirm={async () =>
            startedOperationId(
              must(await api.POST("/v1/resources/{id}/restore", { params: { path }, body: restoreBody })),
            )
          }
        />
      )}
    </div>
  );
}

import type { components } from "@fastier/client";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { describeFailure } from "../api/problem.ts";
import { navigate } from "../router.ts";
import { Dialog } from "./Dialog.tsx";
import { PlanView } from "./PlanView.tsx";

type OperationPlan = components["schemas"]["OperationPlan"];

export interface PlanThenConfirmProps {
  title: string;
  /** The dry run: asks the API for the plan and changes nothing. */
  preview: () => Promise<OperationPlan>;
  /** The request itself, after the user has read the plan; answers the new operation's id. */
  confirm: () => Promise<string>;
  confirmLabel: string;
  onClose: () => void;
  /** Shown above the plan (e.g. a recommendation's numbers). */
  children?: ComponentChildren;
}

/**
 * Nothing reaches the cloud before its plan has been read: the dialog first
 * shows the dry run's plan, and only its confirm button sends the request,
 * then follows the operation's live progress.
 */
export function PlanThenConfirm(props: PlanThenConfirmProps) {
  const [plan, setPlan] = useState<OperationPlan | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  // the plan is asked for once, when the dialog opens
  useEffect(() => {
    props.preview().then(setPlan, setError);
  }, []);

  async function confirm() {
    setSending(true);
    setError(null);
    try {
      const operationId = await props.confirm();
      navigate(`/operations/${operationId}`);
    } catch (failure) {
      setError(failure);
      setSending(false);
    }
  }

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      {props.children}
      {!plan && !error && <p role="status">Asking for the plan (a dry run: nothing changes)…</p>}
      {plan && <PlanView plan={plan} />}
      {error !== null && (
        <p class="error" role="alert">
          {describeFailure(error)}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={props.onClose}>
          Close
        </button>
        <button type="button" class="primary" disabled={!plan || sending} onClick={confirm}>
          {sending ? "Sending…" : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

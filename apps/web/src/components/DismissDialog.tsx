import { useState } from "preact/hooks";
import { describeFailure } from "../api/problem.ts";
import { Dialog } from "./Dialog.tsx";

/** Asks for the reason a decision needs (dismissing a recommendation, rejecting an operation). */
export function DismissDialog(props: {
  title: string;
  verb?: string;
  reasonRequired?: boolean;
  onClose: () => void;
  onDismiss: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const verb = props.verb ?? "Dismiss";
  const required = props.reasonRequired ?? true;
  async function submit(event: Event) {
    event.preventDefault();
    setSending(true);
    try {
      await props.onDismiss(reason.trim());
    } catch (failure) {
      setError(failure);
      setSending(false);
    }
  }
  return (
    <Dialog title={`${verb}: ${props.title}`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <label for="decision-reason">Reason{required ? "" : " (optional)"}</label>
        <textarea
          id="decision-reason"
          maxLength={500}
          required={required}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        {error !== null && (
          <p class="error" role="alert">
            {describeFailure(error)}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Close
          </button>
          <button type="submit" class="primary" disabled={sending || (required && !reason.trim())}>
            {verb}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

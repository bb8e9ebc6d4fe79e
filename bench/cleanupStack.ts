/**
 * Undo steps run last-in first-out, each one even when an earlier one fails,
 * so a failed bench never leaves a PostgreSQL server or a database behind.
 */
export interface CleanupStack {
  defer(label: string, undo: () => Promise<void>): void;
  runAll(): Promise<void>;
}

export function createCleanupStack(log: (message: string) => void): CleanupStack {
  const steps: { label: string; undo: () => Promise<void> }[] = [];
  let running: Promise<void> | undefined;
  return {
    defer(label, undo) {
      steps.push({ label, undo });
    },
    runAll() {
      // A signal can arrive while the normal clean-up is under way; both wait for the same run.
      running ??= (async () => {
        for (let step = steps.pop(); step; step = steps.pop()) {
          try {
            await step.undo();
          } catch (error) {
            log(`clean-up "${step.label}" failed: ${String(error)}`);
          }
        }
      })();
      return running;
    },
  };
}

import type pg from "pg";
import { OUTBOX_CHANNEL } from "./stores/notificationOutbox.ts";

export interface OutboxListener {
  close(): Promise<void>;
}

/**
 * Calls `onEvents` whenever a transaction that wrote notification events commits (LISTEN on one
 * dedicated connection). Only a wake-up: polling still runs, so a lost connection delays
 * deliveries to the next poll and loses nothing; `onError` hears why.
 */
export async function listenToOutbox(
  pool: pg.Pool,
  onEvents: () => void,
  onError: (error: Error) => void,
): Promise<OutboxListener> {
  const client = await pool.connect();
  let closed = false;
  const broken = (error: Error) => {
    if (closed) return;
    closed = true;
    onError(error);
    client.release(error);
  };
  client.on("notification", (message) => {
    if (message.channel === OUTBOX_CHANNEL) onEvents();
  });
  client.on("error", broken);
  await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
  return {
    async close() {
      if (closed) return;
      closed = true;
      client.removeAllListeners("notification");
      try {
        await client.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
      } finally {
        client.release();
      }
    },
  };
}

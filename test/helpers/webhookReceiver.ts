import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered with. */
  status: number;
  at: number;
}

/** How the receiver answers the next request: a status, a redirect, or never (to hold a sender mid-delivery). */
export type ReceiverMode = { status: number } | { redirectTo: string } | { hang: true };

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests answered 2xx: what counts as delivered. */
  accepted(): ReceivedWebhook[];
  mode: ReceiverMode;
  /** Resolves at the next request's arrival. */
  nextRequest(): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records every webhook it is sent. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let waiting: ((hook: ReceivedWebhook) => void)[] = [];
  const receiver = { mode: { status: 200 } as ReceiverMode };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const mode = receiver.mode;
      const status = "status" in mode ? mode.status : "redirectTo" in mode ? 302 : 0;
      const hook = {
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        status,
        at: performance.now(),
      };
      received.push(hook);
      for (const resolve of waiting) resolve(hook);
      waiting = [];
      if ("hang" in mode) return;
      if ("redirectTo" in mode) res.writeHead(302, { location: mode.redirectTo }).end();
      else res.writeHead(status, { "content-type": "text/plain" }).end("x".repeat(10_000));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted: () => received.filter((hook) => hook.status >= 200 && hook.status < 300),
    nextRequest: () => new Promise<ReceivedWebhook>((resolve) => waiting.push(resolve)),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  });
}

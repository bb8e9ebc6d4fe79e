import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { parseWebhookTarget, resolvedRefusal, type WebhookSender, type WebhookTarget } from "@fastier/core";

export interface WebhookSenderOptions {
  timeoutMs?: number;
  /** Every address of a name; the system resolver by default. */
  resolve?: (host: string, family: number) => Promise<LookupAddress[]>;
  /** At most this much of a response body is read; the rest is dropped with the connection. */
  maxResponseBytes?: number;
}

/**
 * A name's addresses are checked when the connection is made, on the very addresses it connects
 * to, so a DNS answer that changed since the subscription was saved cannot point it inward.
 */
function guardedLookup(target: WebhookTarget, resolve: NonNullable<WebhookSenderOptions["resolve"]>): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === "IPv6" ? 6 : options.family === "IPv4" ? 4 : (options.family ?? 0);
    resolve(hostname, family).then(
      (addresses) => {
        const refusal = resolvedRefusal(
          target,
          addresses.map((a) => a.address),
        );
        if (refusal) return callback(Object.assign(new Error(`refused: ${refusal}`), { code: "EREFUSED" }), "", 0);
        if (options.all) return callback(null, addresses as unknown as string, 0);
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

const systemResolve = (host: string, family: number) => dnsLookup(host, { all: true, family });

/** POSTs with Node's own client: a timeout, no redirects followed, a bounded read of the answer. */
export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4096;
  return {
    post(request) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const target = parseWebhookTarget(request.url);
      if (Array.isArray(target)) {
        return Promise.resolve({ statusCode: null, durationMs: 0, error: `refused: ${target[0]?.message}` });
      }
      return new Promise((resolve) => {
        let settled = false;
        const finish = (statusCode: number | null, error: string | null) => {
          if (settled) return;
          settled = true;
          resolve({ statusCode, durationMs: elapsed(), error });
        };
        const client = target.https ? https : http;
        const req = client.request(
          target.url,
          {
            method: "POST",
            headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
            lookup: guardedLookup(target, options.resolve ?? systemResolve),
            agent: false,
            signal: AbortSignal.timeout(timeoutMs),
          },
          (res) => {
            const status = res.statusCode ?? 0;
            let read = 0;
            res.on("data", (chunk: Buffer) => {
              read += chunk.length;
              if (read > maxResponseBytes) res.destroy();
            });
            const done = () => {
              if (status >= 300 && status < 400) {
                finish(status, `redirect to ${res.headers.location ?? "(no location)"} not followed`);
              } else finish(status, status >= 200 && status < 300 ? null : `receiver answered ${status}`);
            };
            res.on("end", done);
            res.on("close", done);
            res.on("error", done);
          },
        );
        req.on("error", (error: NodeJS.ErrnoException) => {
          const reason =
            error.name === "AbortError" || error.name === "TimeoutError"
              ? `no answer within ${timeoutMs} ms`
              : error.message;
          finish(null, reason);
        });
        req.end(request.body);
      });
    },
  };
}

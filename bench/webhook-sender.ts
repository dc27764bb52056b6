/**
 * Sends signed webhook deliveries for the load benchmarks, keeping the
 * bench's own CPU out of what it measures as far as it can: GitHub's senders
 * do not run on the app's machine, but here they share its 2 cores.
 *
 * - Each body is serialised and signed before the clock starts (`prepare`):
 *   the measured span is the HTTP exchange alone.
 * - Requests go out through node:http with one keep-alive socket per sender,
 *   not fetch: on this machine undici's fetch cost the bench 2.0-2.5 ms of
 *   CPU per delivery (with building and signing the payload), this 0.5-0.7 ms
 *   — CPU that the app under test would otherwise have had.
 */
import http from "node:http";
import { signPayload, webhookHeaders } from "../test/support/webhooks.js";

/** A delivery ready to send: the exact body and its signature. */
export interface PreparedDelivery {
  event: string;
  deliveryId: string;
  body: string;
  signature: string;
}

export async function prepareDelivery(secret: string, event: string, deliveryId: string, payload: unknown): Promise<PreparedDelivery> {
  const body = JSON.stringify(payload);
  return { event, deliveryId, body, signature: await signPayload(secret, body) };
}

export class WebhookSender {
  private readonly agent: http.Agent;

  constructor(sockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** POSTs the delivery with GitHub's headers to `webhookUrl`; resolves with the status and the answer's text. */
  post(webhookUrl: string, d: PreparedDelivery): Promise<{ status: number; body: string }> {
    const url = new URL(webhookUrl);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { ...webhookHeaders(d.event, d.deliveryId, d.signature), "content-length": Buffer.byteLength(d.body) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(d.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

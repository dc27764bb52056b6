// Helpers to build, sign and deliver webhooks the way GitHub does, for handler and
// end-to-end tests and for benchmarks (so: no jest globals here).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { sign } from "@octokit/webhooks-methods";
import type { WebhookEventMap, WebhookEventName } from "@octokit/webhooks-types";
import { packageFile } from "../fake-github/package-file.js";

/** `sha256=<hex hmac>` of the exact body, as GitHub sends in x-hub-signature-256. */
export function signPayload(secret: string, body: string): Promise<string> {
  return sign(secret, body);
}

/** The headers GitHub sends with a delivery. */
export function webhookHeaders(event: string, deliveryId: string, signature: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/fake",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
    "x-hub-signature-256": signature,
  };
}

/** A webhook delivery to send. `payload` is serialised once; that exact text is signed and sent. */
export interface WebhookDelivery {
  secret: string;
  event: string;
  /** x-github-delivery; a random UUID when absent. */
  deliveryId?: string;
  payload: unknown;
}

/**
 * POSTs a signed delivery to the app's webhook URL (the full URL, e.g.
 * http://127.0.0.1:3000/api/github/webhooks) with GitHub's headers, and resolves
 * with the response status and text. Never rejects on an HTTP error status.
 */
export async function sendWebhook(appUrl: string, delivery: WebhookDelivery): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(appUrl, {
    method: "POST",
    headers: webhookHeaders(delivery.event, delivery.deliveryId ?? randomUUID(), await signPayload(delivery.secret, body)),
    body,
  });
  return { status: response.status, body: await response.text() };
}

/** Changes applied to an example payload. */
export interface ExampleOverrides {
  /** Repository owner login; every URL and full_name naming the example's repository follows. */
  owner?: string;
  /** Repository name; likewise. */
  repo?: string;
  /** installation.id (added when the example has no installation). Default 1. */
  installationId?: number;
  /** sender.login (and id/type: logins ending in "[bot]" become Bots). */
  sender?: string;
  /** Which of the examples for that action to take, when there are several (default: the first). */
  variant?: number;
  /** Deep-merged last: objects merge key by key, arrays and scalars replace. E.g. `{ comment: { body: "/ladder" } }`. */
  patch?: Record<string, unknown>;
}

interface ExampleEvent {
  name: string;
  examples: Record<string, unknown>[];
}

let examples: ExampleEvent[] | undefined;

function loadExamples(): ExampleEvent[] {
  examples ??= JSON.parse(readFileSync(packageFile("@octokit/webhooks-examples", "api.github.com/index.json"), "utf8")) as ExampleEvent[];
  return examples;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    target[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge({ ...current }, value) : value;
  }
  return target;
}

/** A stable made-up account id for a login, so overridden accounts look real. */
function loginId(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_007;
  return 1_000_000 + (h % 90_000_000);
}

/**
 * A real payload from @octokit/webhooks-examples (api.github.com) for an event and
 * action (pass undefined for events without actions, e.g. push), deep-copied, with
 * `installation: { id, node_id }` added where the example lacks it and the overrides
 * applied. Throws when GitHub's examples have no such event/action/variant.
 */
export function examplePayload<E extends WebhookEventName>(event: E, action?: string, overrides: ExampleOverrides = {}): WebhookEventMap[E] {
  const entry = loadExamples().find((e) => e.name === event);
  if (!entry) throw new Error(`no webhook examples for event ${event}`);
  const candidates = entry.examples.filter((p) => (action === undefined ? true : p.action === action));
  const chosen = candidates[overrides.variant ?? 0];
  if (!chosen) throw new Error(`no example ${overrides.variant ?? 0} for ${event}${action ? `.${action}` : ""} (there are ${candidates.length})`);

  let text = JSON.stringify(chosen);
  const repository = isPlainObject(chosen.repository) ? chosen.repository : undefined;
  const oldFull = typeof repository?.full_name === "string" ? repository.full_name : undefined;
  if (oldFull && (overrides.owner || overrides.repo)) {
    const [oldOwner, oldName] = oldFull.split("/");
    const newFull = `${overrides.owner ?? oldOwner}/${overrides.repo ?? oldName}`;
    text = text.split(oldFull).join(newFull);
  }
  const payload = JSON.parse(text) as Record<string, unknown>;

  if (isPlainObject(payload.repository)) {
    const repo = payload.repository;
    if (overrides.repo) repo.name = overrides.repo;
    if (overrides.owner && isPlainObject(repo.owner)) repo.owner = { ...repo.owner, login: overrides.owner, id: loginId(overrides.owner) };
    if (overrides.owner && isPlainObject(payload.organization)) payload.organization = { ...payload.organization, login: overrides.owner, id: loginId(overrides.owner) };
  }
  const installationId = overrides.installationId ?? (isPlainObject(payload.installation) ? Number(payload.installation.id) : 1);
  payload.installation = {
    ...(isPlainObject(payload.installation) ? payload.installation : {}),
    id: installationId,
    node_id: Buffer.from(`04:Integration::Installation${installationId}`).toString("base64"),
  };
  if (overrides.sender && isPlainObject(payload.sender)) {
    payload.sender = { ...payload.sender, login: overrides.sender, id: loginId(overrides.sender), type: overrides.sender.endsWith("[bot]") ? "Bot" : "User" };
  }
  if (overrides.patch) deepMerge(payload, overrides.patch);
  return payload as unknown as WebhookEventMap[E];
}

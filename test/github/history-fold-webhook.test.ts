/**
 * Folding webhook payloads into ledger records, on GitHub's own example
 * payloads (@octokit/webhooks-examples). The examples hold no merged
 * `pull_request.closed`, so the merged case takes the closed example and sets
 * `merged`/`merged_at` as GitHub does when a PR is merged.
 */
import { createRequire } from "node:module";
import type { PullRequestClosedEvent, PullRequestReviewSubmittedEvent, WebhookEventMap } from "@octokit/webhooks-types";
import type { Context } from "probot";
import {
  foldPullRequestPayload,
  foldReviewPayload,
  type PullRequestClosedPayload,
  type PullRequestReviewSubmittedPayload,
} from "../../src/github/fold-webhook.js";

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{
  name: keyof WebhookEventMap;
  examples: Array<{ action?: string }>;
}>;

function example<T>(name: string, action: string): T {
  const found = examples.find((e) => e.name === name)?.examples.find((x) => x.action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return structuredClone(found) as T;
}

// Both payload type families fit the fold functions' parameter types (a compile-time check).
const _fromWebhooksTypes: PullRequestClosedPayload = {} as PullRequestClosedEvent;
const _fromProbot: PullRequestClosedPayload = {} as Context<"pull_request.closed">["payload"];
const _reviewFromWebhooksTypes: PullRequestReviewSubmittedPayload = {} as PullRequestReviewSubmittedEvent;
const _reviewFromProbot: PullRequestReviewSubmittedPayload = {} as Context<"pull_request_review.submitted">["payload"];

function mergedExample(): PullRequestClosedEvent {
  const payload = example<PullRequestClosedEvent>("pull_request", "closed");
  const pr = payload.pull_request as unknown as Record<string, unknown>;
  pr.merged = true;
  pr.merged_at = "2019-05-15T15:21:18Z";
  return payload;
}

describe("foldPullRequestPayload", () => {
  it("builds the merged PR from the payload alone, paths unknown", () => {
    expect(foldPullRequestPayload(mergedExample())).toEqual({
      repo: "Codertocat/Hello-World",
      number: 2,
      author: "Codertocat",
      mergedAt: "2019-05-15T15:21:18Z",
      additions: 1,
      deletions: 1,
      labels: ["bug"],
      paths: null,
      url: "https://github.com/Codertocat/Hello-World/pull/2",
    });
  });

  it("folds a payload without labels as labels unknown (null), never as no labels", () => {
    const payload = mergedExample();
    delete (payload.pull_request as unknown as { labels?: unknown }).labels;
    expect(foldPullRequestPayload(payload)).toMatchObject({ number: 2, labels: null, paths: null });
  });

  it.each([
    ["closed without merging (the example as GitHub sent it)", () => example<PullRequestClosedEvent>("pull_request", "closed")],
    [
      "merged but its author's account is gone",
      () => {
        const p = mergedExample();
        (p.pull_request as unknown as { user: null }).user = null;
        return p;
      },
    ],
  ])("returns null when %s", (_name, payload) => {
    expect(foldPullRequestPayload(payload())).toBeNull();
  });
});

describe("foldReviewPayload", () => {
  it("builds the review from the payload alone", () => {
    expect(foldReviewPayload(example<PullRequestReviewSubmittedEvent>("pull_request_review", "submitted"))).toEqual({
      id: 237895671,
      repo: "Codertocat/Hello-World",
      prNumber: 2,
      prAuthor: "Codertocat",
      reviewer: "Codertocat",
      state: "COMMENTED",
      submittedAt: "2019-05-15T15:20:38Z",
      url: "https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671",
    });
  });

  it.each([
    ["approved", "APPROVED"],
    ["changes_requested", "CHANGES_REQUESTED"],
    ["commented", "COMMENTED"],
    ["APPROVED", "APPROVED"],
  ])("maps the webhook state %s to %s", (state, expected) => {
    const payload = example<PullRequestReviewSubmittedEvent>("pull_request_review", "submitted");
    (payload.review as { state: string }).state = state;
    expect(foldReviewPayload(payload)?.state).toBe(expected);
  });

  it.each([
    ["a pending review", { state: "pending" }],
    ["no reviewer", { user: null }],
    ["no submission time", { submitted_at: null }],
  ])("returns null for %s", (_name, patch) => {
    const payload = example<PullRequestReviewSubmittedEvent>("pull_request_review", "submitted");
    Object.assign(payload.review, patch);
    expect(foldReviewPayload(payload)).toBeNull();
  });

  it("keeps a review of a deleted account's PR, with the PR author as ghost", () => {
    const payload = example<PullRequestReviewSubmittedEvent>("pull_request_review", "submitted");
    (payload.pull_request as unknown as { user: null }).user = null;
    expect(foldReviewPayload(payload)?.prAuthor).toBe("ghost");
  });
});

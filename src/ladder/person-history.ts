/**
 * One person's contributions, classified once (counted, or skipped and why)
 * and sorted newest first, so that each rung's window is a prefix scan.
 */
import type { MergedPullRequest, SubmittedReview } from "./contributions.js";
import { sameLogin } from "./contributions.js";
import type { CountingRules } from "./counting-rules.js";
import type { PersonContributions } from "./ledger-index.js";
import { prKey } from "./ledger-index.js";
import type { Evidence, SkipReason, SkipTally } from "./standing.js";

/**
 * One contribution, classified. It points at the ledger record rather than
 * copying from it; its PR key and Evidence are built only when a window needs
 * them, and then once: thousands of people × hundreds of contributions must
 * not allocate an evidence object each (see bench/engine.ts).
 */
interface Classified {
  /** Epoch ms. */
  ts: number;
  skip: SkipReason | null;
  pr: MergedPullRequest | null;
  review: SubmittedReview | null;
  key?: string;
  evidence?: Evidence;
}

function keyOf(item: Classified): string {
  if (item.key === undefined) {
    item.key = item.review ? prKey(item.review.repo, item.review.prNumber) : item.pr ? prKey(item.pr.repo, item.pr.number) : "";
  }
  return item.key;
}

export function evidenceOf(item: Classified): Evidence {
  if (item.evidence === undefined) {
    item.evidence = item.review ? reviewEvidence(item.review) : item.pr ? prEvidence(item.pr) : { url: "", label: "", date: "" };
  }
  return item.evidence;
}

export type { Classified };

export interface PersonHistory {
  /** Newest first; only contributions at or before the clock with a parseable date. */
  pullRequests: Classified[];
  reviews: Classified[];
  firstCounted: Classified | null;
  lastCounted: Classified | null;
}

export interface WindowCount {
  count: number;
  evidence: Evidence[];
  skipped: SkipTally[];
}

const SKIP_ORDER: SkipReason[] = ["excluded_label", "unknown_labels", "too_small", "outside_paths", "unknown_paths", "own_pr", "dismissed", "same_pr"];

export function classifyHistory(
  login: string,
  contributions: PersonContributions | undefined,
  rules: CountingRules,
  nowMs: number,
): PersonHistory {
  const prs: Classified[] = [];
  const reviews: Classified[] = [];
  for (const pr of contributions?.pullRequests ?? []) {
    const ts = Date.parse(pr.mergedAt);
    if (!(ts <= nowMs)) continue; // future (measuring "as of" a past clock) or unparseable
    prs.push({ ts, skip: rules.skipPullRequest(pr), pr, review: null });
  }
  for (const review of contributions?.reviews ?? []) {
    const ts = Date.parse(review.submittedAt);
    if (!(ts <= nowMs)) continue;
    reviews.push({ ts, skip: skipReview(login, review), pr: null, review });
  }
  const newestFirst = (a: Classified, b: Classified) => b.ts - a.ts;
  prs.sort(newestFirst);
  reviews.sort(newestFirst);

  let firstCounted: Classified | null = null;
  let lastCounted: Classified | null = null;
  for (const list of [prs, reviews]) {
    for (const item of list) {
      if (item.skip) continue;
      if (!firstCounted || item.ts < firstCounted.ts) firstCounted = item;
      if (!lastCounted || item.ts > lastCounted.ts) lastCounted = item;
    }
  }
  return { pullRequests: prs, reviews, firstCounted, lastCounted };
}

/**
 * Reviews of one's own PR never count, nor dismissed ones; COMMENTED reviews
 * do (a careful review often ends without a verdict). Distinctness per PR is
 * applied in `countInWindow`, as it depends on the window.
 */
function skipReview(login: string, review: SubmittedReview): SkipReason | null {
  if (sameLogin(review.prAuthor, login)) return "own_pr";
  if (review.state === "DISMISSED") return "dismissed";
  return null;
}

/**
 * Counts the counted items with ts in [sinceMs, now] (the list holds nothing
 * after now). With `distinctPrs`, several items on one PR count once — used for
 * reviews, so twenty comments on one PR are one review, not twenty: the ladder
 * asks how many changes a person has helped through, and a count of review
 * submissions would reward splitting feedback into many small reviews.
 */
export function countInWindow(items: readonly Classified[], sinceMs: number, evidenceLimit: number, distinctPrs: boolean): WindowCount {
  const evidence: Evidence[] = [];
  const tally = new Map<SkipReason, number>();
  const seen = distinctPrs ? new Set<string>() : null;
  let count = 0;
  for (const item of items) {
    if (item.ts < sinceMs) break; // newest first: everything after is older still
    let skip = item.skip;
    if (!skip && seen) {
      const key = keyOf(item);
      if (seen.has(key)) skip = "same_pr";
      else seen.add(key);
    }
    if (skip) {
      tally.set(skip, (tally.get(skip) ?? 0) + 1);
      continue;
    }
    count++;
    if (evidence.length < evidenceLimit) evidence.push(evidenceOf(item));
  }
  const skipped = SKIP_ORDER.filter((r) => tally.has(r)).map((reason) => ({ reason, count: tally.get(reason) ?? 0 }));
  return { count, evidence, skipped };
}

function prEvidence(pr: MergedPullRequest): Evidence {
  return { url: pr.url, label: `${pr.repo}#${pr.number}`, date: pr.mergedAt };
}

function reviewEvidence(review: SubmittedReview): Evidence {
  return { url: review.url, label: `${review.repo}#${review.prNumber}`, date: review.submittedAt };
}

/**
 * Appeals (SPEC "Appeals"): `/appeal [D-n] <reason>` files one, `/uphold`
 * and `/overturn <reason>` by the panel decide it, and the outcome goes
 * through the one decision pipeline — one commit of the log entry and, when
 * overturned, the roster change (and CODEOWNERS), then access.
 *
 * The log is the record: the filing (`appeal filed`, with the panel and the
 * rotation's position) and the outcome (`appeal outcome`, with each vote)
 * are entries, so who may appeal, the next panel and "already appealed" are
 * read from the log at the branch head, the same on every replica and after
 * any restart. The store keeps only what the log need not: the open appeal's
 * votes and its status comment.
 *
 * Filing, exactly once: under one lease per repository (filings are rare,
 * and the rotation must advance one panel at a time) — the app's marked
 * issue is looked for before one is opened (a crash between opening and
 * recording), the panel is assigned in the same request that opens it, and
 * the log entry carries the key `appeal-filed:<repo>:<D-n>`.
 */
import { describeDuration, parseDuration } from "../config/duration.js";
import type { Governance, Roster } from "../config/schema.js";
import type { MarkedIssue } from "../github/issue-reads.js";
import { drawPanel } from "../ladder/appeal-panel.js";
import { checkAppeal, type AppealedDecision, type PriorAppeal } from "../ladder/appeal-limits.js";
import { tallyAppeal, type AppealTally, type AppealVote } from "../ladder/appeal-tally.js";
import { approverRoles, eligibleApprovers } from "../ladder/tally.js";
import { mayRun } from "../commands/permissions.js";
import { commandSpec } from "../commands/registry.js";
import { decisionNumber, formatDecisionId, type DecisionDraft } from "../log/decision-entry.js";
import { parseLog, type ParsedEntry } from "../log/parse-log.js";
import type { RepoRef } from "../plan/actions.js";
import type { RosterChange } from "../plan/roster-edit.js";
import { APPEAL_LABEL, APPEAL_MARKER, appealIssueTitle, renderAppealIssue, renderAppealOutcome, renderAppealRefusal, renderAppealStatus } from "../render/appeal-comments.js";
import { codeSpan, userLink } from "../render/escape.js";
import { renderMarker } from "../render/markers.js";
import type { CommitChangePort } from "./commit-change.js";
import { commitDecision, type CommitDecisionDeps, type DecisionStep } from "./decision-pipeline.js";
import { issueUrl, today } from "./proposal-outcome.js";
import { loadProposalByIssue, withLease, type RecordStore } from "./proposal-records.js";

export interface AppealGitHub extends CommitChangePort {
  /** The app's own open issues labelled `stewards:appeal` with an `appeal` marker. Rejects on failure. */
  findOpenAppeals(repo: RepoRef): Promise<MarkedIssue[]>;
}

export interface AppealDeps extends CommitDecisionDeps {
  github: AppealGitHub;
  store: RecordStore;
  holder: string;
  /** Whether `login` has at least one counted contribution in the repository (ledger read, no request). */
  hasCountedContribution(login: string): Promise<boolean>;
}

export interface AppealContext {
  repo: RepoRef;
  /** The default branch: the log and roster live there. */
  branch: string;
  governance: Governance;
  roster: Roster;
  /** The issue the command was given on. */
  issue: number;
  sender: string;
  now: Date;
}

/** What the store keeps of an appeal while it is open (the log has the rest). */
export interface AppealRecord {
  repo: string;
  issue: number;
  decision: string;
  subject: string;
  appellant: string;
  panel: string[];
  votes: AppealVote[];
  state: "open" | "closed";
  /** Set once the filing is in the log. */
  logged: boolean;
  statusCommentId?: number;
  statusBody?: string;
}

const lower = (s: string) => s.toLowerCase();
const recordKey = (repo: string, issue: number) => `appeal-issue:${lower(repo)}#${issue}`;
const decisionKey = (repo: string, id: string) => `appeal-of:${lower(repo)}:${id}`;
const fullName = (r: RepoRef) => `${r.owner}/${r.repo}`;
const LEASE_MS = 120_000;
const WAIT_MS = 15_000;

async function saveAppeal(store: RecordStore, record: AppealRecord): Promise<void> {
  await store.setValue(recordKey(record.repo, record.issue), record);
  await store.setValue(decisionKey(record.repo, record.decision), record);
}

// ---------------------------------------------------------------- filing

export interface FileAppealInput extends AppealContext {
  /** The id written after `/appeal`, or null (then the issue's own decision is meant). */
  requestedId: string | null;
  reason: string | null;
}

/** Files an appeal, or says why not. Returns the reply to post. */
export async function fileAppeal(deps: AppealDeps, input: FileAppealInput): Promise<string> {
  const gov = input.governance;
  // An id that is written but malformed names no decision (never the issue's own).
  const impliedId = input.requestedId !== null ? normaliseId(input.requestedId) : ((await loadProposalByIssue(deps.store, fullName(input.repo), input.issue))?.decision ?? null);
  const entries = await readLog(deps, input);
  const entry = impliedId ? (entries.find((e) => e.id === impliedId) ?? null) : null;
  const decision: AppealedDecision | null = entry && entry.kind && entry.date ? { id: entry.id, kind: entry.kind, subject: entry.subject, date: entry.date } : null;
  const needsContribution = decision?.kind === "ladder change" || decision?.kind === "manual roster change";
  const check = checkAppeal({
    decision,
    requestedId: input.requestedId,
    appellant: input.sender,
    reason: input.reason,
    hasContribution: needsContribution ? await deps.hasCountedContribution(input.sender) : true,
    prior: priorAppeals(entries),
    appeals: gov.appeals,
    now: input.now,
  });
  if (!check.ok) {
    return renderAppealRefusal(check, { requestedId: input.requestedId, decision: decision?.id ?? impliedId, subject: decision?.subject ?? null, webUrl: deps.webUrl, withinWords: describeDuration(parseDuration(gov.appeals.within)) });
  }
  const leased = await withLease(deps.store, `appeal-filing:${lower(fullName(input.repo))}`, deps.holder, LEASE_MS, () => openAppeal(deps, input, entry!, input.reason ?? ""), { waitMs: WAIT_MS });
  return leased.ran ? leased.value : "Another appeal is being filed in this repository right now; please try again in a minute.";
}

async function openAppeal(deps: AppealDeps, input: FileAppealInput, decision: ParsedEntry, reason: string): Promise<string> {
  const repo = fullName(input.repo);
  const gov = input.governance;
  let record = await deps.store.getValue<AppealRecord>(decisionKey(repo, decision.id));
  if (record?.logged) return `${decision.id} has been appealed already (#${record.issue}); an appeal's outcome is final.`;
  const entries = await readLog(deps, input);
  const exclude = [...(decision.deciders ?? [...decision.approvers, ...decision.objectors]), input.sender];
  const draw = drawPanel({ approvers: eligibleApprovers(input.roster, gov), exclude, size: gov.appeals.panel, after: rotationCursor(entries) });
  const decisionUrl = logUrl(deps.webUrl, input);
  if (!record) {
    const key = `${repo.toLowerCase()}:${decision.id}`;
    const found = (await deps.github.findOpenAppeals(input.repo)).find((i) => i.key.key === key);
    const view = { decision: { id: decision.id, kind: decision.kind ?? decision.kindText, subject: decision.subject, url: decisionUrl }, appellant: input.sender, reason, panel: draw.panel, short: draw.short, quorum: gov.appeals.quorum, deadline: null, webUrl: deps.webUrl };
    let number = found?.number ?? null;
    if (number === null) {
      const body = `${renderAppealIssue(view)}\n\n${renderMarker(APPEAL_MARKER, { key, panel: draw.panel.join(","), rotation: draw.cursor ?? "" })}`;
      const [created] = await deps.github.execute([{ kind: "issue.create", repo: input.repo, title: appealIssueTitle(view), body, labels: [APPEAL_LABEL], assignees: draw.panel }], deps.log);
      if (created?.dryRun) return `Dry run — nothing was written. Would open an appeal of ${decision.id} with the panel ${draw.panel.map((l) => userLink(l, deps.webUrl)).join(", ") || "(nobody eligible)"}.`;
      number = created?.created?.number ?? null;
      if (number === null) throw new Error("GitHub did not say which issue it opened");
    }
    const panel = found ? String(found.key.panel ?? "").split(",").filter(Boolean) : draw.panel;
    record = { repo, issue: number, decision: decision.id, subject: decision.subject, appellant: input.sender, panel, votes: [], state: "open", logged: false };
    await saveAppeal(deps.store, record);
  }
  const opened = record;
  const landed = await commitDecision(deps, {
    repo: input.repo,
    branch: input.branch,
    governance: gov,
    invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it and the appeal will be logged`,
    decide: (): DecisionStep<null> => ({
      kind: "decided",
      draft: {
        kind: "appeal filed",
        date: today(input.now),
        subject: decision.subject,
        role: null,
        evidence: [],
        approvers: [],
        objectors: [],
        reason,
        link: { label: `${repo}#${opened.issue}`, url: issueUrl(deps.webUrl, input.repo, opened.issue) },
        decidedBy: `${input.sender} (/appeal)`,
        appeal: { decision: decision.id, appellant: input.sender, panel: opened.panel, rotation: opened.panel.at(-1) ?? rotationCursor(entries), issue: opened.issue },
        key: `appeal-filed:${repo.toLowerCase()}:${decision.id}`,
      },
      change: null,
      message: (id) => `${id}: appeal of ${decision.id} filed by ${input.sender} (${repo}#${opened.issue})`,
      result: null,
    }),
  });
  if (landed.kind === "not-applied") throw new Error(`the appeal of ${decision.id} could not be logged: ${landed.reason}`);
  record = { ...opened, logged: true };
  record = await upsertAppealStatus(deps, input.repo, record, tallyOf(record, input));
  return `Appeal of ${decision.id} opened: #${record.issue} (logged as ${landed.id}).`;
}

// ---------------------------------------------------------------- voting

export interface VoteInput extends AppealContext {
  vote: "uphold" | "overturn";
  reason: string | null;
}

/** Counts a panel member's vote (or says why it does not count) and, once decided, applies the outcome. Returns the reply, or null when the status comment says it. */
export async function voteOnAppeal(deps: AppealDeps, input: VoteInput): Promise<string | null> {
  const repo = fullName(input.repo);
  const first = await deps.store.getValue<AppealRecord>(recordKey(repo, input.issue));
  if (!first) return "This issue is not an appeal, so there is nothing to vote on here.";
  if (first.state === "closed") return "This appeal has been decided; its outcome is final.";
  // Who may vote is the registry's declaration (`who: "panel"`), decided by the one permission rule.
  const onPanel = mayRun(commandSpec(input.vote).who, { sender: input.sender, candidate: null, roster: input.roster, approverRoles: approverRoles(input.governance), panel: first.panel }).ok;
  if (!onPanel) return `Only the panel (${first.panel.map((l) => userLink(l, deps.webUrl)).join(", ")}) votes on this appeal; your vote is not counted.`;
  if (!eligibleApprovers(input.roster, input.governance).some((l) => lower(l) === lower(input.sender))) {
    return `You no longer hold an approver role, so your vote on this appeal is not counted.`;
  }
  if (input.vote === "overturn" && !input.reason?.trim()) return `An overturn vote needs a reason: ${codeSpan("/overturn <reason>")}.`;
  const leased = await withLease(deps.store, `appeal:${lower(repo)}:${first.decision}`, deps.holder, LEASE_MS, async () => {
    const record = (await deps.store.getValue<AppealRecord>(recordKey(repo, input.issue))) ?? first;
    if (record.state === "closed") return "This appeal has been decided; its outcome is final.";
    const next: AppealRecord = { ...record, votes: [...record.votes, { login: input.sender, vote: input.vote, reason: input.vote === "overturn" ? (input.reason ?? null) : null, at: input.now.toISOString() }] };
    await saveAppeal(deps.store, next);
    const tally = tallyOf(next, input);
    if (tally.outcome === "pending") {
      await upsertAppealStatus(deps, input.repo, next, tally);
      return null;
    }
    return applyOutcome(deps, input, next, tally);
  }, { waitMs: WAIT_MS });
  return leased.ran ? leased.value : "The appeal is being updated right now; please vote again in a minute.";
}

async function applyOutcome(deps: AppealDeps, input: VoteInput, record: AppealRecord, tally: AppealTally): Promise<string | null> {
  const gov = input.governance;
  const outcome = tally.outcome === "overturned" ? "overturned" : "upheld";
  let note: string | undefined;
  const build = (withChange: boolean) => (roster: Roster, _text: string | null, logText: string | null): DecisionStep<{ effect: string | null }> => {
    const original = logText ? parseLog(logText).find((e) => e.id === record.decision) : undefined;
    const planned = outcome === "overturned" && original && withChange ? reversal(original, roster, input.now) : null;
    if (outcome === "overturned" && !planned && !note) note = "It changes no role on the roster; where the decision changed files, revert it by pull request.";
    const draft: DecisionDraft = {
      kind: "appeal outcome",
      date: today(input.now),
      subject: record.subject,
      role: planned?.role ?? null,
      evidence: [],
      approvers: tally.counted.filter((v) => v.vote === "overturn").map((v) => v.login),
      objectors: tally.counted.filter((v) => v.vote === "uphold").map((v) => v.login),
      reason: null,
      link: { label: `${record.repo}#${record.issue}`, url: issueUrl(deps.webUrl, input.repo, record.issue) },
      decidedBy: `appeal panel (${record.panel.join(", ")}): ${tally.overturn} of ${tally.quorum} needed to overturn, ${tally.uphold} to uphold`,
      deciders: tally.counted.map((v) => v.login),
      appeal: { decision: record.decision, appellant: record.appellant, panel: record.panel, rotation: record.panel.at(-1) ?? null, issue: record.issue, votes: tally.counted.map(({ login, vote, reason }) => ({ login, vote, reason })), outcome },
      key: `appeal-outcome:${record.repo.toLowerCase()}:${record.decision}`,
    };
    return {
      kind: "decided",
      draft,
      change: planned ? (id) => planned.change(id) : null,
      message: (id) => `${id}: appeal of ${record.decision} ${outcome} (${record.repo}#${record.issue})`,
      result: { effect: planned?.effect ?? null },
    };
  };
  const common = { repo: input.repo, branch: input.branch, governance: gov, invalidRoster: `${gov.roster.path} on ${input.branch} is invalid; fix it and the appeal's outcome will be applied` };
  let landed = await commitDecision(deps, { ...common, decide: build(true) });
  if (landed.kind === "not-applied" && landed.cause === "refused" && outcome === "overturned") {
    // The reversal cannot be made as the roster is now (e.g. the last holder of the top role): the outcome stands, logged, and people change the roster.
    note = `It could not be applied to the roster (${landed.reason}); change ${codeSpan(gov.roster.path)} by pull request.`;
    landed = await commitDecision(deps, { ...common, decide: build(false) });
  }
  if (landed.kind === "not-applied") return `The appeal's outcome could not be recorded yet: ${landed.reason}. The next vote or sweep tries again.`;
  const comment = renderAppealOutcome({ outcome, decision: record.decision, outcomeId: landed.id, effect: landed.result.effect, ...(note ? { note } : {}), logUrl: logUrl(deps.webUrl, input) });
  const results = await deps.github.execute(
    [
      { kind: "comment.create", repo: input.repo, issueNumber: record.issue, body: comment },
      { kind: "issue.update", repo: input.repo, number: record.issue, state: "closed" },
    ],
    deps.log,
  );
  if (!results.some((r) => r.dryRun)) await saveAppeal(deps.store, { ...record, state: "closed" });
  deps.log.info({ appeal: record.issue, decision: record.decision, outcome, entry: landed.id }, "appeal decided");
  return null;
}

/** What overturning `original` does to the roster, or null when it changes no role. */
function reversal(original: ParsedEntry, roster: Roster, now: Date): { change: (id: string) => RosterChange; role: { from: string | null; to: string | null }; effect: string } | null {
  const since = today(now);
  const login = original.subject;
  const held = roster.members.find((m) => lower(m.login) === lower(login))?.role ?? null;
  const grant = (role: string) => ({ change: (id: string): RosterChange => ({ kind: "grant", login, role, since, decision: id }), role: { from: held, to: role }, effect: `${login} now holds ${codeSpan(role)}` });
  switch (original.kind) {
    case "rejection":
    case "expiry":
      return original.proposed ? grant(original.proposed) : null;
    case "demotion":
    case "emeritus":
      return original.role?.from ? grant(original.role.from) : null;
    case "promotion": {
      const role = original.role?.to;
      if (!role) return null;
      const to = original.role?.from ?? null;
      return { change: (id) => ({ kind: "revoke", login, role, to, since, decision: id }), role: { from: role, to }, effect: to ? `${login} is back to ${codeSpan(to)}` : `${login} no longer holds ${codeSpan(role)}` };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------- shared

async function readLog(deps: AppealDeps, input: AppealContext): Promise<ParsedEntry[]> {
  const snapshot = await deps.github.readBranchFiles(input.repo, input.branch, [input.governance.log.path]);
  const text = snapshot.files.get(input.governance.log.path) ?? null;
  return text ? parseLog(text) : [];
}

/** Appeals filed, from the log: open until their outcome is logged. */
function priorAppeals(entries: readonly ParsedEntry[]): PriorAppeal[] {
  const decided = new Set(entries.filter((e) => e.kind === "appeal outcome" && e.appeal).map((e) => e.appeal!.decision));
  return entries
    .filter((e) => e.kind === "appeal filed" && e.appeal && e.date)
    .map((e) => ({ appellant: e.appeal!.appellant, decision: e.appeal!.decision, filedAt: `${e.date}T00:00:00.000Z`, open: !decided.has(e.appeal!.decision), issue: e.appeal!.issue }));
}

/** Where the rotation stands: the last filing's position. */
function rotationCursor(entries: readonly ParsedEntry[]): string | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === "appeal filed" && e.appeal) return e.appeal.rotation;
  }
  return null;
}

function tallyOf(record: AppealRecord, input: AppealContext): AppealTally {
  return tallyAppeal({ panel: record.panel, votes: record.votes, approvers: eligibleApprovers(input.roster, input.governance), quorum: input.governance.appeals.quorum });
}

async function upsertAppealStatus(deps: AppealDeps, repo: RepoRef, record: AppealRecord, tally: AppealTally): Promise<AppealRecord> {
  const body = renderAppealStatus(tally, deps.webUrl);
  if (record.statusBody === body) return record;
  const action = record.statusCommentId
    ? ({ kind: "comment.update", repo, commentId: record.statusCommentId, body } as const)
    : ({ kind: "comment.create", repo, issueNumber: record.issue, body } as const);
  const [result] = await deps.github.execute([action], deps.log);
  const id = result?.created?.id ?? record.statusCommentId;
  const next: AppealRecord = { ...record, ...(id !== undefined ? { statusCommentId: id } : {}), statusBody: body };
  if (!result?.dryRun) await saveAppeal(deps.store, next);
  return next;
}

function normaliseId(id: string): string | null {
  const n = decisionNumber(id);
  return n === null ? null : formatDecisionId(n);
}

function logUrl(webUrl: string, input: AppealContext): string {
  return `${webUrl}/${input.repo.owner}/${input.repo.repo}/blob/${input.branch}/${input.governance.log.path}`;
}

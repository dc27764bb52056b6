/**
 * The sweep's demotion part (SPEC "Demotion and rotation"), per repository:
 *
 * 1. move every open demotion on: `reviewProposal` — the one decision
 *    pipeline — cancels an inactivity notice that counted activity overtook,
 *    keeps the status comment during the notice, and after it decides with
 *    the promotion rules (decide-demotion.ts);
 * 2. who is due now (ladder/inactivity.ts `selectDemotions`): inactive past
 *    `inactive_after`, or holding a role past `term_limit`, within
 *    `max_removal_share` of each role's holders counting the notices still
 *    open, never the last holder of the top role. The ones left wait for a
 *    later sweep: one info line per sweep lists them with why, and each
 *    notice opened says how many more of its role wait;
 * 3. open ONE notice issue per person and role (label `stewards:demotion`,
 *    created with its label in the same request, hidden marker with its
 *    key): the store's record → the lease → the app's marked issue on
 *    GitHub (covers a crash between creating and recording) → only then
 *    the issue, and its record.
 *
 * Cooling-off: a demotion closed without moving the person (rejected,
 * expired, cancelled, or closed on GitHub by hand) is not noticed again for the same person and role
 * until `promotion.expires_after` after it closed — otherwise an approver's
 * `/reject` would be answered by a new notice at the next sweep. The same
 * rule the promotion flow applies after a closed proposal.
 *
 * Who is due is measured against the roster at the branch head whenever
 * anything may be proposed or a review just changed the roster (one read):
 * a cache behind the branch must not notice someone who already left.
 */
import { parseDuration } from "../config/duration.js";
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster } from "../config/schema.js";
import type { MarkedIssue } from "../github/issue-reads.js";
import { selectDemotions, type DemotionCandidate, type DemotionSelection } from "../ladder/inactivity.js";
import { proposalExpiresAt } from "../ladder/proposal-state.js";
import { eligibleApprovers } from "../ladder/tally.js";
import type { RepoRef } from "../plan/actions.js";
import { demotionIssueTitle, DEMOTION_MARKER, noticeFromKey, renderDemotionIssue, type NoticeFacts } from "../render/demotion-issue.js";
import type { CountedActivity, LastActivityPort } from "./decide-demotion.js";
import { reviewProposal, type DecideDeps, type DecideGitHub, type DecideOutcome } from "./decide-proposal.js";
import { fullName } from "./propose-promotion.js";
import { demotionKey, loadDemotionFor, loadProposalByIssue, saveProposal, withLease, type ProposalRecord } from "./proposal-records.js";

/** The label of demotion notices; GitHub creates it on first use. */
export const DEMOTION_LABEL = "stewards:demotion";
export { DEMOTION_MARKER };

export interface DemotionSweepGitHub extends DecideGitHub {
  /** The app's own open issues labelled `stewards:demotion` with a `demotion` marker (all pages). Rejects on failure. */
  findOpenDemotions(repo: RepoRef): Promise<MarkedIssue[]>;
}

/** What the sweep needs: the decide deps (it reviews through `reviewProposal`), a GitHub that also lists the notices, and the ledger's last activity. */
export interface DemotionSweepDeps extends Omit<DecideDeps, "github" | "lastActivity"> {
  github: DemotionSweepGitHub;
  lastActivity: LastActivityPort;
}

export interface DemotionSweepInput {
  repo: RepoRef;
  /** The default branch, where the roster and the log live. */
  branch: string;
  governance: Governance;
  /** The roster as last known (a valid one: with an invalid roster the caller does not sweep). */
  roster: Roster;
  now: Date;
}

export type NoticeOutcome =
  | { kind: "opened"; issue: number | null; dryRun: boolean }
  | { kind: "exists"; issue: number }
  /** The store's open notice was closed on GitHub by a person: recorded closed, noticed again after the cooling-off. */
  | { kind: "closed-by-hand"; issue: number }
  | { kind: "busy" };

export interface DemotionSweepResult {
  /** Each open demotion reviewed, and what became of it. */
  reviewed: Array<{ issue: number; outcome: DecideOutcome["kind"] | "failed" }>;
  /** The notices this sweep asked for. */
  noticed: Array<{ login: string; role: string; reason: DemotionCandidate["reason"]; outcome: NoticeOutcome }>;
  /** Due, but waiting for a later sweep (removal safety), with why. */
  waiting: DemotionSelection["waiting"];
  /** The roster at the branch head did not parse: nothing was noticed. */
  rosterInvalid?: boolean;
}

const LEASE_MS = 60_000;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function sweepDemotions(deps: DemotionSweepDeps, input: DemotionSweepInput): Promise<DemotionSweepResult> {
  const repo = fullName(input.repo);
  const result: DemotionSweepResult = { reviewed: [], noticed: [], waiting: [] };

  // 1. Move the open ones on.
  const still: ProposalRecord[] = [];
  let rosterMayHaveChanged = false;
  const listed = await deps.github.findOpenDemotions(input.repo);
  const openOnGitHub = new Set(listed.map((i) => i.number));
  for (const issue of listed) {
    const record = await recordOf(deps, input, issue);
    if (!record) continue;
    const outcome = await reviewProposal(deps, { repo: input.repo, issue: issue.number, branch: input.branch, governance: input.governance, roster: input.roster, now: input.now }).catch(
      (err: unknown) => {
        deps.log.error({ err, repo, issue: issue.number }, "could not review the demotion; the next sweep retries");
        return { kind: "failed" } as const;
      },
    );
    result.reviewed.push({ issue: issue.number, outcome: outcome.kind });
    if (outcome.kind === "decided") rosterMayHaveChanged ||= outcome.outcome === "approved";
    else if (outcome.kind !== "closed-already" && outcome.kind !== "not-a-proposal") still.push(record);
  }

  // 2. Who is due, on the roster at the head when anything may change.
  const open = still.map((r) => ({ login: r.login, role: r.role }));
  let roster = input.roster;
  let activity = await deps.lastActivity(roster.members.map((m) => m.login));
  let selection = await selectResting(deps, input, roster, activity, open);
  if (selection.propose.length > 0 || rosterMayHaveChanged) {
    const head = await rosterAtHead(deps, input);
    if (!head) {
      deps.log.warn({ repo, branch: input.branch }, "the roster at the branch head is invalid; no demotion notices until it is fixed");
      return { ...result, rosterInvalid: true };
    }
    roster = head;
    activity = await deps.lastActivity(roster.members.map((m) => m.login));
    selection = await selectResting(deps, input, roster, activity, open);
  }
  result.waiting = selection.waiting;
  if (selection.waiting.length > 0) {
    deps.log.info(
      { repo, waiting: selection.waiting.map((w) => ({ login: w.login, role: w.role, reason: w.reason, why: w.why })) },
      `${selection.waiting.length} role holders are due for emeritus or rotation but wait for a later sweep (removal safety)`,
    );
  }

  // 3. One notice per person and role.
  for (const candidate of selection.propose) {
    const waiting = selection.waiting.filter((w) => w.role === candidate.role);
    const counts = { share: waiting.filter((w) => w.why === "removal-share").length, lastTopHolder: waiting.filter((w) => w.why === "last-top-holder").length };
    const outcome = await openNotice(deps, input, { roster, openOnGitHub }, candidate, activity.get(candidate.login.toLowerCase()) ?? null, counts);
    result.noticed.push({ login: candidate.login, role: candidate.role, reason: candidate.reason, outcome });
  }
  return result;
}

/**
 * `selectDemotions` with the people in cooling-off left out (see the module
 * comment); only the due ones' records are read, so a large roster costs
 * no store read per member.
 */
async function selectResting(
  deps: DemotionSweepDeps,
  input: DemotionSweepInput,
  roster: Roster,
  activity: ReadonlyMap<string, CountedActivity>,
  open: Array<{ login: string; role: string }>,
): Promise<DemotionSelection> {
  const lastActivity = new Map([...activity].map(([login, a]) => [login.toLowerCase(), a.at] as const));
  const resting: Array<{ login: string; role: string }> = [];
  const checked = new Set<string>();
  const coolOff = parseDuration(input.governance.promotion.expires_after);
  for (;;) {
    const selection = selectDemotions({ governance: input.governance, roster, lastActivity, open, resting, now: input.now });
    let more = false;
    for (const c of selection.propose) {
      const key = `${c.login.toLowerCase()}|${c.role}`;
      if (checked.has(key)) continue;
      checked.add(key);
      const known = await loadDemotionFor(deps.store, fullName(input.repo), c.login, c.role);
      if (known?.state === "closed" && Date.parse(known.closedAt ?? known.openedAt) + coolOff > input.now.getTime()) {
        resting.push({ login: c.login, role: c.role });
        more = true;
      }
    }
    if (!more) return selection;
  }
}

async function rosterAtHead(deps: DemotionSweepDeps, input: DemotionSweepInput): Promise<Roster | null> {
  const path = input.governance.roster.path;
  const snapshot = await deps.github.readBranchFiles(input.repo, input.branch, [path]);
  const parsed = parseRoster(snapshot.files.get(path) ?? "members: []\n", input.governance);
  return parsed.ok ? parsed.roster : null;
}

/** The store's record of an open notice issue; rebuilt from its marker when the store lost it (a crash between creating and recording). */
async function recordOf(deps: DemotionSweepDeps, input: DemotionSweepInput, issue: MarkedIssue): Promise<ProposalRecord | null> {
  const repo = fullName(input.repo);
  const known = await loadProposalByIssue(deps.store, repo, issue.number);
  if (known) return known;
  const facts = noticeFromKey(issue.key);
  if (!facts) return null;
  const record = noticeRecord(repo, issue.number, { ...facts, login: input.roster.members.find((m) => same(m.login, facts.login))?.login ?? facts.login });
  await saveProposal(deps.store, record);
  deps.log.info({ repo, issue: issue.number, login: record.login, role: record.role }, "found the open demotion notice on GitHub; recorded it");
  return record;
}

function noticeRecord(repo: string, issue: number, f: NoticeFacts): ProposalRecord {
  return {
    repo,
    login: f.login,
    role: f.role,
    kind: "demotion",
    issue,
    state: "open",
    openedAt: f.openedAt,
    notice: { reason: f.reason, endsAt: f.endsAt, lastActivity: f.lastActivity, since: f.since },
  };
}

/** Step 3 for one candidate; see the module comment. */
async function openNotice(
  deps: DemotionSweepDeps,
  input: DemotionSweepInput,
  ctx: { roster: Roster; openOnGitHub: ReadonlySet<number> },
  candidate: DemotionCandidate,
  last: CountedActivity | null,
  waiting: { share: number; lastTopHolder: number },
): Promise<NoticeOutcome> {
  const repo = fullName(input.repo);
  const { login, role } = candidate;
  const roster = ctx.roster;
  const known = await loadDemotionFor(deps.store, repo, login, role);
  if (known?.state === "open" && ctx.openOnGitHub.has(known.issue)) return { kind: "exists", issue: known.issue };
  const leased = await withLease(deps.store, demotionKey(repo, login, role), deps.holder, LEASE_MS, async (): Promise<NoticeOutcome> => {
    const again = await loadDemotionFor(deps.store, repo, login, role);
    const listed = await deps.github.findOpenDemotions(input.repo);
    if (again?.state === "open") {
      if (listed.some((i) => i.number === again.issue)) return { kind: "exists", issue: again.issue };
      // Open in the store, closed on GitHub (listed fresh, under the lease): someone closed it by hand.
      await saveProposal(deps.store, { ...again, state: "closed", closedAt: input.now.toISOString() });
      deps.log.info({ repo, login, role, issue: again.issue }, "the demotion notice was closed by hand; it is noticed again after the cooling-off");
      return { kind: "closed-by-hand", issue: again.issue };
    }
    const onGitHub = listed.find((i) => same(String(i.key.login), login) && i.key.role === role);
    if (onGitHub) {
      const record = await recordOf(deps, input, onGitHub);
      return { kind: "exists", issue: record?.issue ?? onGitHub.number };
    }
    const gov = input.governance;
    const facts: NoticeFacts = {
      login,
      role,
      reason: candidate.reason,
      openedAt: input.now.toISOString(),
      endsAt: new Date(input.now.getTime() + parseDuration(gov.demotion.notice)).toISOString(),
      lastActivity: last,
      since: candidate.since,
    };
    const body = renderDemotionIssue({
      ...facts,
      governance: gov,
      approvers: eligibleApprovers(roster, gov, login),
      expiresAt: proposalExpiresAt(facts.endsAt, gov.promotion.expires_after),
      webUrl: deps.webUrl,
      waiting,
    });
    const [created] = await deps.github.execute([{ kind: "issue.create", repo: input.repo, title: demotionIssueTitle(login, role, candidate.reason), body, labels: [DEMOTION_LABEL] }], deps.log);
    const number = created?.created?.number ?? null;
    if (number !== null) await saveProposal(deps.store, noticeRecord(repo, number, facts));
    deps.log.info({ repo, login, role, reason: candidate.reason, issue: number, endsAt: facts.endsAt }, "demotion notice opened");
    return { kind: "opened", issue: number, dryRun: created?.dryRun ?? false };
  });
  return leased.ran ? leased.value : { kind: "busy" };
}

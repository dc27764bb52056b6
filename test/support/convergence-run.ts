// Runs one convergence scenario: a fake GitHub seeded with the generated
// history (convergence-history.ts), the real server (`dist/bin/start.js`, what
// `npm start` runs once built) on one or two replicas, the replayed stretch as
// signed webhooks with the scenario's faults, the humans who decide the
// proposals the app opens, and a final phase of sweeps until nothing moves.
// Returns what the comparison needs. No jest globals.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLog } from "../../src/log/parse-log.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { findMarker } from "../../src/render/markers.js";
import type { FakeGitHub, FakeIssue } from "../fake-github/server.js";
import { startGhesFake } from "./ghes-fake.js";
import { installedAppEnv, startApp, type AppProcess } from "./app-process.js";
import { OWNER, REPO, ROLES, TEAM_OF, rng, unit, type History, type ReplayEvent } from "./convergence-history.js";
import { examplePayload, sendWebhook } from "./webhooks.js";

const INSTALLATION = 7;
const SECRET = "convergence-secret";
/** The final phase's sweep interval: long enough for idle gaps between sweeps (a quiet sweep takes about 2 s). */
const FINAL_SWEEP_INTERVAL = "5s";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Faults {
  /** Share of deliveries never delivered (history webhooks and approval comments; never `/reject`, which no sweep can recover). */
  drop: number;
  /** Share delivered twice with the same delivery id. */
  duplicate: number;
  /** A delivery may arrive up to this many deliveries late ("shuffled within minutes"). */
  shuffleWindow: number;
}

export const NO_FAULTS: Faults = { drop: 0, duplicate: 0, shuffleWindow: 0 };
export const FAULTS: Faults = { drop: 0.1, duplicate: 0.05, shuffleWindow: 8 };

export interface ScenarioOptions {
  name: string;
  history: History;
  faults: Faults;
  /** Kill the process (SIGKILL) after this share of the replay and start a new one on the same data dir, with no installation event. */
  coldStartAt?: number;
  /** PostgreSQL for two replicas (deliveries alternated between them). */
  databaseUrl?: string;
  /** Upper bound for the whole scenario. */
  budgetMs?: number;
  log?: (line: string) => void;
}

export interface PromotionIssue {
  number: number;
  login: string;
  role: string;
  state: "open" | "closed";
}

export interface ScenarioResult {
  name: string;
  ms: number;
  phases: Record<string, number>;
  deliveries: { planned: number; sent: number; dropped: number; duplicated: number; lostWhileDown: number; comments: number };
  roster: { login: string; role: string }[];
  emeritus: { login: string; role: string }[];
  rosterError: string | null;
  log: { id: string; kind: string | null; subject: string; role: string | null; approvers: string[]; reason: string | null }[];
  codeownersBlock: string | null;
  teams: Record<string, string[]>;
  promotionIssues: PromotionIssue[];
  /** Other issues the app opened (drift, health …): label and title. */
  otherIssues: string[];
  /** (login, role) → the driver's decision, for the issues it acted on. */
  decided: Record<string, string>;
  violations: string[];
  failedJobs: number;
  errorLines: string[];
  /** Sweeps finished in the final phase. */
  finalSweeps: number;
  converged: boolean;
  outputs: string[];
}

interface Delivery {
  event: string;
  id: string;
  payload: unknown;
  /** For the replica choice. */
  seq: number;
}

function prPayload(fake: FakeGitHub, ev: Extract<ReplayEvent, { kind: "merge" }>) {
  const pr = ev.pr;
  return examplePayload("pull_request", "closed", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: pr.author,
    patch: {
      pull_request: {
        number: pr.number,
        html_url: `${fake.url}/${OWNER}/${REPO}/pull/${pr.number}`,
        merged: true,
        merged_at: pr.mergedAt,
        closed_at: pr.mergedAt,
        additions: pr.additions,
        deletions: pr.deletions,
        labels: pr.labels.map((name, i) => ({ id: 9100 + i, node_id: `LA_${name}`, url: `${fake.apiUrl}/repos/${OWNER}/${REPO}/labels/${name}`, name, color: "ededed", default: false, description: null })),
        user: { login: pr.author, id: 50_000 + pr.number, type: pr.author.endsWith("[bot]") ? "Bot" : "User" },
      },
      repository: { default_branch: "main" },
    },
  });
}

function reviewPayload(fake: FakeGitHub, ev: Extract<ReplayEvent, { kind: "review" }>) {
  const { pr, review } = ev;
  return examplePayload("pull_request_review", "submitted", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender: review.author,
    patch: {
      review: {
        id: review.id,
        html_url: `${fake.url}/${OWNER}/${REPO}/pull/${pr.number}#pullrequestreview-${review.id}`,
        state: review.state.toLowerCase(),
        submitted_at: review.submittedAt,
        user: { login: review.author, id: 60_000 + review.id, type: "User" },
      },
      pull_request: { number: pr.number, user: { login: pr.author, id: 50_000 + pr.number, type: "User" } },
      repository: { default_branch: "main" },
    },
  });
}

function commentPayload(issueNumber: number, commentId: number, body: string, sender: string) {
  return examplePayload("issue_comment", "created", {
    owner: OWNER,
    repo: REPO,
    installationId: INSTALLATION,
    sender,
    patch: {
      issue: { number: issueNumber, pull_request: undefined },
      comment: { id: commentId, body, user: { login: sender, id: 70_000 + (commentId % 10_000), type: "User" } },
      repository: { default_branch: "main" },
    },
  });
}

/** Seeds one fake GitHub with the history before the app starts. */
export async function seededFake(h: History): Promise<FakeGitHub> {
  const fake = await startGhesFake();
  fake.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION });
  for (const login of h.contributors) fake.setOrgRole(OWNER, login, "member");
  fake.addTeam(OWNER, "infra-owner", { members: [h.maintainers[0]!] });
  for (const [slug, members] of Object.entries(h.teams)) fake.addTeam(OWNER, slug, { members });
  fake.putFile(OWNER, REPO, ".github/governance.yml", h.governanceYml);
  fake.putFile(OWNER, REPO, ".github/roster.yml", h.rosterYml);
  fake.putFile(OWNER, REPO, ".github/CODEOWNERS", h.codeownersText);
  for (const pr of h.seeded) {
    fake.addMergedPullRequest(OWNER, REPO, {
      number: pr.number,
      author: pr.author,
      mergedAt: pr.mergedAt,
      additions: pr.additions,
      deletions: pr.deletions,
      labels: pr.labels,
      reviews: pr.reviews.map((r) => ({ id: r.id, author: r.author, state: r.state, submittedAt: r.submittedAt })),
    });
  }
  // The replayed PRs were opened before the app's issues: their numbers are taken.
  const last = Math.max(...h.replayed.map((p) => p.number), ...h.seeded.map((p) => p.number));
  fake.state.requireRepo(OWNER, REPO).nextNumber = last + 1;
  return fake;
}

function addReplayedPr(fake: FakeGitHub, ev: ReplayEvent, added: Set<number>): void {
  const pr = ev.pr;
  if (added.has(pr.number)) return;
  added.add(pr.number);
  fake.addMergedPullRequest(OWNER, REPO, {
    number: pr.number,
    author: pr.author,
    mergedAt: pr.mergedAt,
    additions: pr.additions,
    deletions: pr.deletions,
    labels: pr.labels,
    reviews: pr.reviews.map((r) => ({ id: r.id, author: r.author, state: r.state, submittedAt: r.submittedAt })),
  });
}

async function health(app: AppProcess): Promise<{ lastSweepAt?: string | null; queue?: { queued?: number; active?: number; failed?: number } } | null> {
  try {
    const res = await fetch(`${app.url}/healthz`);
    return (await res.json()) as never;
  } catch {
    return null;
  }
}

export async function runScenario(opts: ScenarioOptions): Promise<ScenarioResult> {
  const h = opts.history;
  const say = opts.log ?? (() => undefined);
  const started = Date.now();
  const deadline = started + (opts.budgetMs ?? 270_000);
  const phases: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases[name] = Date.now() - phaseStart;
    phaseStart = Date.now();
    say(`[${opts.name}] ${name}: ${phases[name]} ms`);
  };
  const r = rng(unit(h.seed, "faults", opts.name) * 2 ** 32);
  const fake = await seededFake(h);
  const dataDir = mkdtempSync(join(tmpdir(), `stewards-convergence-${opts.name}-`));
  const replicas = opts.databaseUrl ? 2 : 1;
  const env = (sweep: string) =>
    installedAppEnv(fake.host, SECRET, {
      SWEEP_INTERVAL: sweep,
      STEWARDS_DATA_DIR: dataDir,
      STEWARDS_ONBOARDING: "false",
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    });
  const start = () => startApp(env("1h"), { command: ["node", "dist/bin/start.js"], timeoutMs: 120_000 });
  let apps: (AppProcess | null)[] = await Promise.all(Array.from({ length: replicas }, start));
  const outputs: string[] = [];
  const counters = { planned: 0, sent: 0, dropped: 0, duplicated: 0, lostWhileDown: 0, comments: 0 };
  let upAgain: Promise<void> | null = null;
  let driving = false;

  const post = async (d: Delivery, replica: number): Promise<boolean> => {
    for (;;) {
      const app = apps[replica % replicas];
      if (!app) return false;
      try {
        const res = await sendWebhook(app.webhookUrl, { secret: SECRET, event: d.event, deliveryId: d.id, payload: d.payload });
        if (res.status >= 300) throw new Error(`delivery ${d.id} answered ${res.status}: ${res.body}`);
        counters.sent++;
        return true;
      } catch (err) {
        if (apps[replica % replicas] === app) throw err;
        return false; // the process died under the request: GitHub does not redeliver
      }
    }
  };

  try {
    // ---- install, backfill (GraphQL)
    const install = examplePayload("installation", "created", {
      installationId: INSTALLATION,
      patch: { installation: { account: { login: OWNER, id: 4100 } }, repositories: [{ id: 1, node_id: "R_1", name: REPO, full_name: `${OWNER}/${REPO}`, private: false }] },
    });
    await post({ event: "installation", id: `${opts.name}-install`, payload: install, seq: 0 }, 0);
    await until(() => apps.some((a) => a?.output().includes('"msg":"history backfilled"')), "the backfill", deadline);
    phase("start+backfill");

    // ---- the humans: they decide each proposal the app opens, once per (person, role)
    const decided = new Map<string, { issue: number; decision: string }>();
    let driverActions = 0;
    let driverBusy = 0;
    const driverDeliveries: string[] = [];
    const driverSend = async (d: Delivery, kind: "approve" | "reject") => {
      counters.comments++;
      if (kind === "approve" && r() < opts.faults.drop) {
        counters.dropped++;
        return;
      }
      const copies = r() < opts.faults.duplicate ? 2 : 1;
      if (copies === 2) counters.duplicated++;
      for (let c = 0; c < copies; c++) {
        while (upAgain) await upAgain;
        if (await post(d, d.seq + c)) driverDeliveries.push(d.id);
      }
    };
    const retried = new Map<number, number>();
    const drive = async (): Promise<number> => {
      let acted = 0;
      for (const issue of fake.issues(OWNER, REPO)) {
        if (issue.state !== "open" || !issue.labels.includes("stewards:promotion") || !issue.user.login.endsWith("[bot]")) continue;
        const key = findMarker(issue.body ?? "", "promotion");
        if (!key) continue;
        const login = String(key.login);
        const role = String(key.role);
        const k = `${login}:${role}`;
        const earlier = decided.get(k);
        if (earlier && earlier.issue === issue.number && earlier.decision === "reject") {
          // The app answered that it could not record the rejection (its commit lost the race for
          // the branch): the person says it again, as anyone reading that reply would.
          const refusals = fake.comments(OWNER, REPO, issue.number).filter((c) => c.user.login.endsWith("[bot]") && c.body.includes("could not be recorded yet")).length;
          if (refusals > (retried.get(issue.number) ?? 0)) {
            retried.set(issue.number, refusals);
            acted++;
            driverActions++;
            driverBusy++;
            try {
              const approvers = h.maintainers.filter((m) => m.toLowerCase() !== login.toLowerCase());
              const who = approvers[Math.floor(unit(h.seed, "who", login, role) * approvers.length)]!;
              const body = `/reject Not yet for ${role}: let's see more reviews first`;
              const c = fake.addComment(OWNER, REPO, issue.number, { author: who, body });
              await driverSend({ event: "issue_comment", id: `${opts.name}-reject-${login}-${role}-again-${refusals}`, payload: commentPayload(issue.number, c.id, body, who), seq: driverActions }, "reject");
            } finally {
              driverBusy--;
            }
          }
        }
        if (earlier) continue; // a second issue for the same person and role: left alone (and reported)
        // A bot is never a candidate (counting.exclude_authors); nobody acts on such a proposal, and the suite reports it.
        const decision = login.toLowerCase().startsWith("dependabot") ? "open" : h.decide(login, role);
        decided.set(k, { issue: issue.number, decision });
        if (decision === "open") continue;
        acted++;
        driverActions++;
        driverBusy++;
        try {
          const approvers = h.maintainers.filter((m) => m.toLowerCase() !== login.toLowerCase());
          const who = approvers[Math.floor(unit(h.seed, "who", login, role) * approvers.length)]!;
          if (decision === "approve") {
            const second = approvers.find((m) => m !== who)!;
            fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: who, content: "+1" });
            fake.addReaction(OWNER, REPO, { issue: issue.number }, { user: second, content: "+1" });
            const c = fake.addComment(OWNER, REPO, issue.number, { author: who, body: "LGTM, approved with 👍" });
            await driverSend({ event: "issue_comment", id: `${opts.name}-approve-${login}-${role}`, payload: commentPayload(issue.number, c.id, c.body, who), seq: driverActions }, "approve");
          } else {
            const body = `/reject Not yet for ${role}: let's see more reviews first`;
            const c = fake.addComment(OWNER, REPO, issue.number, { author: who, body });
            await driverSend({ event: "issue_comment", id: `${opts.name}-reject-${login}-${role}`, payload: commentPayload(issue.number, c.id, body, who), seq: driverActions }, "reject");
          }
        } finally {
          driverBusy--;
        }
      }
      return acted;
    };
    driving = true;
    const driverLoop = (async () => {
      while (driving) {
        await drive();
        await sleep(250);
      }
    })();

    // ---- the replayed stretch: GitHub's state changes in order; the deliveries carry the faults
    const pending: { at: number; d: Delivery }[] = [];
    const added = new Set<number>();
    const kill = opts.coldStartAt !== undefined ? Math.floor(h.events.length * opts.coldStartAt) : -1;
    let seq = 0;
    const flush = async (upTo: number) => {
      pending.sort((a, b) => a.at - b.at);
      while (pending.length && pending[0]!.at <= upTo) {
        const { d } = pending.shift()!;
        if (!(await post(d, d.seq))) counters.lostWhileDown++;
      }
    };
    for (let i = 0; i < h.events.length; i++) {
      const ev = h.events[i]!;
      addReplayedPr(fake, ev, added);
      counters.planned++;
      const id = ev.kind === "merge" ? `${opts.name}-pr-${ev.pr.number}` : `${opts.name}-review-${ev.review.id}`;
      const payload = ev.kind === "merge" ? prPayload(fake, ev) : reviewPayload(fake, ev);
      const event = ev.kind === "merge" ? "pull_request" : "pull_request_review";
      if (r() < opts.faults.drop) counters.dropped++;
      else {
        const delay = opts.faults.shuffleWindow ? Math.floor(r() * (opts.faults.shuffleWindow + 1)) : 0;
        pending.push({ at: i + delay, d: { event, id, payload, seq: seq++ } });
        if (r() < opts.faults.duplicate) {
          counters.duplicated++;
          pending.push({ at: i + delay + 1 + Math.floor(r() * 4), d: { event, id, payload, seq: seq++ } });
        }
      }
      await flush(i);
      if (i === kill) {
        let resolveUp!: () => void;
        upAgain = new Promise((res) => (resolveUp = res));
        const dead = apps[0]!;
        apps = [null];
        await dead.kill();
        outputs.push(dead.output());
        say(`[${opts.name}] killed the app after ${i + 1} of ${h.events.length} events`);
        // Deliveries while nobody listens are lost (GitHub does not redeliver).
        for (let k = 1; k <= 4 && i + k < h.events.length; k++) {
          const lost = h.events[i + k]!;
          addReplayedPr(fake, lost, added);
          counters.planned++;
          counters.lostWhileDown++;
        }
        i += 4;
        // A new process on the same data dir; no installation event this time.
        apps = [await start()];
        upAgain = null;
        resolveUp();
        say(`[${opts.name}] restarted`);
      }
    }
    await flush(Number.POSITIVE_INFINITY);
    phase("replay");
    await waitIdle(apps, () => driverBusy === 0, deadline);
    phase("replay-drain");

    // ---- the final phase: restart with a short sweep interval; sweep, decide, until nothing moves
    const live = apps.filter((a): a is AppProcess => a !== null);
    await Promise.all(live.map((a) => a.stop()));
    outputs.push(...live.map((a) => a.output()));
    apps = await Promise.all(Array.from({ length: replicas }, () => startApp(env(FINAL_SWEEP_INTERVAL), { command: ["node", "dist/bin/start.js"], timeoutMs: 120_000 })));
    phase("restart-for-sweeps");
    let converged = false;
    let finalSweeps = 0;
    const sweepCount = () => apps.reduce((n, a) => n + (a?.output().match(/"msg":"sweep finished"/g) ?? []).length, 0);
    // The queue is not a measure of idleness here: sweeps run one after another (a slow one
    // leaves the next slots queued behind it). Settled means: the driver's comments handled.
    const handled = (id: string) => [...outputs, ...apps.map((a) => a?.output() ?? "")].some((o) => o.includes(`"id":"${id}"`) && new RegExp(`"id":"${id}"[^\\n]*"msg":"(delivery handled|duplicate delivery ignored)`).test(o));
    const settled = () => driverBusy === 0 && driverDeliveries.every(handled);
    while (Date.now() < deadline) {
      await until(settled, "the humans' comments to be handled", deadline);
      const before = driverActions;
      const sweeps = sweepCount();
      // Two sweeps finishing after this point: the second started after it (one sweep at a time).
      await until(() => sweepCount() >= sweeps + 2, "two sweeps", deadline);
      await until(settled, "the humans' comments to be handled", deadline);
      await drive();
      if (driverActions === before && driverBusy === 0) {
        converged = true;
        break;
      }
    }
    finalSweeps = sweepCount();
    driving = false;
    await driverLoop;
    phase("final-sweeps");

    const failedJobs = (await health(apps[0]!))?.queue?.failed ?? -1;
    // Stopped before reading GitHub's side, so that nothing changes under the snapshot.
    const stopping = apps.filter((a): a is AppProcess => a !== null);
    await Promise.all(stopping.map((a) => a.stop()));
    outputs.push(...stopping.map((a) => a.output()));
    apps = [];
    const all = outputs;
    const result = snapshot(fake, h, opts.name);
    return {
      ...result,
      name: opts.name,
      ms: Date.now() - started,
      phases,
      deliveries: counters,
      decided: Object.fromEntries([...decided.entries()].map(([k, v]) => [k, v.decision])),
      violations: fake.violations.map((v) => `${v.kind} ${v.method} ${v.path}: ${v.messages.join("; ").slice(0, 300)}`),
      failedJobs,
      errorLines: all.flatMap((o) => o.split("\n").filter((l) => /"level":(50|60)/.test(l))).map((l) => l.slice(0, 600)),
      finalSweeps,
      converged,
      outputs: all,
    };
  } finally {
    driving = false;
    const live = apps.filter((a): a is AppProcess => a !== null);
    await Promise.all(live.map((a) => a.stop()));
    // Every process of the scenario, in start order (replicas' outputs one after the other).
    if (process.env.CONVERGENCE_DEBUG) writeFileSync(join(tmpdir(), `convergence-${opts.name}.log`), [...outputs, ...live.map((a) => a.output())].join("\n"));
    await fake.close();
  }
}

async function until(check: () => boolean, what: string, deadline: number): Promise<void> {
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Idle: every replica answers /healthz with nothing queued or running, three times in a row, and the driver has nothing in flight. */
async function waitIdle(apps: (AppProcess | null)[], driverIdle: () => boolean, deadline: number): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the app to be idle");
    const reports = await Promise.all(apps.map((a) => (a ? health(a) : null)));
    const idle = driverIdle() && reports.every((rep) => rep?.queue && (rep.queue.queued ?? 1) === 0 && (rep.queue.active ?? 1) === 0);
    quiet = idle ? quiet + 1 : 0;
    await sleep(150);
  }
}

const BEGIN = "# BEGIN stewards";
const END = "# END stewards";

/** What the comparison reads from GitHub's side. */
function snapshot(fake: FakeGitHub, h: History, name: string) {
  const rosterText = fake.file(OWNER, REPO, ".github/roster.yml") ?? "";
  const parsed = parseRoster(rosterText, h.governance);
  const pairs = (list: { login: string; role: string }[]) => list.map((m) => ({ login: m.login.toLowerCase(), role: m.role })).sort((a, b) => a.login.localeCompare(b.login) || a.role.localeCompare(b.role));
  const logText = fake.file(OWNER, REPO, "GOVERNANCE-LOG.md") ?? "";
  const log = parseLog(logText).map((e) => ({
    id: e.id,
    kind: e.kind,
    subject: e.subject.toLowerCase(),
    role: e.role ? `${e.role.from ?? "none"}->${e.role.to ?? "none"}` : null,
    approvers: [...e.approvers].map((a) => a.toLowerCase()).sort(),
    reason: e.reason,
  }));
  const codeowners = fake.file(OWNER, REPO, ".github/CODEOWNERS") ?? "";
  const b = codeowners.indexOf(BEGIN);
  const e = codeowners.indexOf(END);
  const teams: Record<string, string[]> = {};
  for (const role of ROLES) teams[TEAM_OF[role]!] = fake.teamMembers(OWNER, TEAM_OF[role]!).map((l) => l.toLowerCase()).sort();
  const appIssues = fake.issues(OWNER, REPO).filter((i: FakeIssue) => i.user.login.endsWith("[bot]"));
  const promotionIssues: PromotionIssue[] = [];
  const otherIssues: string[] = [];
  for (const issue of appIssues) {
    const key = issue.labels.includes("stewards:promotion") ? findMarker(issue.body ?? "", "promotion") : null;
    if (key) promotionIssues.push({ number: issue.number, login: String(key.login).toLowerCase(), role: String(key.role), state: issue.state });
    else otherIssues.push(`${issue.labels.join(",")} | ${issue.title} | ${issue.state}`);
  }
  void name;
  return {
    roster: parsed.ok ? pairs(parsed.roster.members) : [],
    emeritus: parsed.ok ? pairs(parsed.roster.emeritus) : [],
    rosterError: parsed.ok ? null : JSON.stringify(parsed.errors),
    log,
    codeownersBlock: b >= 0 && e > b ? codeowners.slice(b, e + END.length) : null,
    teams,
    promotionIssues,
    otherIssues: otherIssues.sort(),
  };
}

// A stateful fake of GitHub's REST and GraphQL APIs for end-to-end tests and
// benchmarks. Every REST request is checked against GitHub's OpenAPI description and
// every GraphQL query against GitHub's schema; anything GitHub would not accept, or
// that the fake does not implement, is answered with an error AND recorded in
// `violations`, so a test that calls `assertNoViolations()` notices it.
// No jest globals here: benchmarks run this too.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { execute, GraphQLError, parse, validate } from "graphql";
import type { DocumentNode, ExecutionResult, GraphQLFieldResolver } from "graphql";
import { ACCESS_OPERATIONS } from "./access-handlers.js";
import { accessHelpers } from "./access-state.js";
import type { FakeAccessHelpers } from "./access-state.js";
import { graphqlCost } from "./graphql-cost.js";
import type { GraphqlResolverContext } from "./graphql-resolvers.js";
import { graphqlMutationRoot, graphqlRootValue } from "./graphql-resolvers.js";
import { loadGithubGraphqlSchema } from "./graphql-schema.js";
import { loadOpenApiValidator } from "./openapi-validator.js";
import type { OpenApiSpecName, OpenApiValidator } from "./openapi-validator.js";
import { mergePull, setPullState, type MergeMethod } from "./pull-requests.js";
import { restHandlers } from "./rest-handlers.js";
import type { RestContext, RestReply } from "./rest-handlers.js";
import type { FakeUrls } from "./rest-shapes.js";
import { FakeState, githubTime } from "./state.js";
import type { FakeAccount, FakeCheckRun, FakeComment, FakeIssue, FakePullFile, FakeReaction, FakeRepo, FakeReview, ReactionContent } from "./state.js";

export type { FakeAccount, FakeCheckRun, FakeComment, FakeIssue, FakeReaction, FakeRepo, FakeReview } from "./state.js";
export type { OpenApiSpecName } from "./openapi-validator.js";

/** The GitHub Enterprise Server releases whose descriptions @octokit/openapi ships. */
export type GhesVersion = "3.17" | "3.18" | "3.19";
export type { AddTeamOptions, BranchProtectionInput, FakeBranchProtection, FakeRuleset, FakeTeam, OrgRole, RepoPermission, RulesetInput } from "./access-state.js";

/** Options of {@link startFakeGitHub}. */
export interface FakeGitHubOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * Answer as GitHub Enterprise Server of this version (see the README's "GitHub
   * Enterprise Server mode"): an `x-github-enterprise-version` header on every answer,
   * requests checked against that release's description (a route it lacks is a 404 and
   * a `no-route` violation), and GHES semantics where they differ (a team membership
   * PUT adds at once: no organisation invitations). Default: github.com.
   */
  ghes?: GhesVersion;
  /** OpenAPI description requests are checked against (default api.github.com, or `ghes-<ghes>` with `ghes`). */
  spec?: OpenApiSpecName;
  /** Clock for timestamps the fake writes (default: real time). */
  now?: () => Date;
  /** Slug of the app; its bot `<slug>[bot]` authors what installation tokens write. */
  appSlug?: string;
  /** GraphQL points per token per hour (default 5000, as for installations). */
  graphqlBudget?: number;
  /**
   * Which REST responses are checked against the OpenAPI response schema; a mismatch
   * is an "invalid-response" violation (the fake's fault, not the app's). Default
   * "access": the access-control operations of access-handlers.ts.
   */
  validateResponses?: "access" | "all" | "none";
}

/** One request the fake received, in arrival order. */
export interface FakeRequestRecord {
  method: string;
  /** Path as sent, without query string (REST paths keep their /api/v3 prefix). */
  path: string;
  /** "METHOD /template" for REST (e.g. "POST /repos/{owner}/{repo}/issues"), "POST /graphql", or "METHOD <path>" when nothing matched. */
  route: string;
  operationId?: string;
  query: Record<string, string>;
  status: number;
  /** Parsed JSON body, or the raw text when it was not JSON, or undefined. */
  body: unknown;
  /** Installation the token belongs to, when the fake issued it. */
  installationId?: number;
  /** GraphQL points charged for this request. */
  graphqlCost?: number;
  /** Time spent on OpenAPI matching and validation. */
  validationMs?: number;
  /** True when a `setFailure` rule produced the answer. */
  injected?: boolean;
}

/** Something the app did that GitHub would refuse, or that the fake cannot answer faithfully. */
export interface FakeViolation {
  kind:
    | "no-route"
    | "invalid-request"
    | "invalid-json"
    | "not-implemented"
    | "unauthenticated"
    | "invalid-response"
    | "graphql-invalid"
    | "graphql-unmodelled"
    | "graphql-error"
    | "fake-error";
  method: string;
  path: string;
  route?: string;
  messages: string[];
}

/** Selects requests for fault injection. String paths match the path (without /api/v3) or the route template. */
export type FailureMatcher =
  | { method?: string; path?: string | RegExp; operationId?: string; graphql?: boolean; graphqlField?: string }
  | ((req: { method: string; path: string; route: string; operationId?: string }) => boolean);

/** What to answer instead, and how many times (default 1; Infinity for always). */
export interface FailureSpec {
  status: number;
  times?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * Carry the request out first, then answer with the failure: a write that succeeded on GitHub's side
   * but whose answer was lost (a 502 from a proxy, a timeout) — the client cannot tell it landed.
   */
  afterApplying?: boolean;
}

/** Selects requests to slow down (see `setLatency`). The path is matched without /api/v3. */
export interface LatencyMatcher {
  method?: string;
  path?: string | RegExp;
  graphql?: boolean;
}

/** A merged pull request to seed history with (GraphQL backfill, pulls APIs). */
export interface SeedMergedPullRequest {
  number: number;
  author: string;
  mergedAt: string;
  createdAt?: string;
  updatedAt?: string;
  title?: string;
  additions: number;
  deletions: number;
  labels?: string[];
  /** Changed paths; additions/deletions are split evenly over them unless given per file. */
  paths?: (string | { path: string; additions: number; deletions: number })[];
  reviews?: { id?: number; author: string; state: FakeReview["state"]; submittedAt: string; body?: string }[];
  mergedBy?: string;
  baseRef?: string;
}

/** Timing figures, for the report and for benchmarks. */
export interface FakeGitHubTimings {
  /** Reading and initialising the OpenAPI description (once per process). */
  openapiInitMs: number;
  /** Building the GraphQL schema (once per process). */
  graphqlSchemaBuildMs: number;
  /** REST requests validated, total and slowest validation time. The first request of each operation compiles its validators. */
  validations: { count: number; totalMs: number; maxMs: number };
}

/** A running fake. Access seeding and reading (teams, collaborators, protection, rulesets) come from {@link FakeAccessHelpers}. */
export interface FakeGitHub extends FakeAccessHelpers {
  /** Web root, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** "127.0.0.1:PORT", for GHE_HOST. */
  readonly host: string;
  /** The GHES version it answers as in `x-github-enterprise-version` (e.g. "3.19.0"), or null in github.com mode. */
  readonly enterpriseVersion: string | null;
  /** REST root: url + "/api/v3" (what Probot builds from GHE_HOST). */
  readonly apiUrl: string;
  /** GraphQL endpoint: url + "/api/graphql". */
  readonly graphqlUrl: string;
  /** Raw state, for assertions the readers below do not cover. */
  readonly state: FakeState;
  /** Every request received, oldest first. */
  readonly requests: FakeRequestRecord[];
  /** Every violation, oldest first. */
  readonly violations: FakeViolation[];
  /** GraphQL points charged so far, over all tokens. */
  readonly graphqlPointsSpent: number;
  /** Init and validation timings. */
  timings(): FakeGitHubTimings;
  /** Throws an Error listing every violation, if there is any. */
  assertNoViolations(): void;
  /** Forgets logged requests and violations (state is kept), e.g. between benchmark phases. */
  resetLog(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;

  /** Creates a repository (with an empty initial commit) installed under `installationId`. */
  addRepo(opts: { owner: string; name: string; defaultBranch?: string; private?: boolean; archived?: boolean; installationId: number; ownerType?: "User" | "Organization" }): FakeRepo;
  /** Commits one file to a branch (default: the default branch; created from it when missing). Returns the commit sha. */
  putFile(owner: string, repo: string, path: string, content: string, opts?: { branch?: string; message?: string }): string;
  /** Seeds a merged pull request with its reviews; it takes its number in the shared issue/PR sequence. */
  addMergedPullRequest(owner: string, repo: string, pr: SeedMergedPullRequest): FakeIssue;
  /** Seeds an issue written by someone (default author "octocat"). */
  addIssue(owner: string, repo: string, issue: { title: string; body?: string; author?: string; labels?: string[]; state?: "open" | "closed"; number?: number }): FakeIssue;
  /** Seeds a comment on an issue or PR. */
  addComment(owner: string, repo: string, issueNumber: number, comment: { author: string; body: string }): FakeComment;
  /** Seeds a reaction (reactions send no webhook; the app has to read them). */
  addReaction(owner: string, repo: string, target: { issue: number } | { comment: number }, reaction: { user: string; content: ReactionContent }): FakeReaction;
  /** An installation access token the fake will accept, without going through the JWT exchange. */
  issueToken(installationId: number): string;
  /** Answers matching requests with a fault instead of handling them. Rules are tried in order of registration. */
  setFailure(matcher: FailureMatcher, spec: FailureSpec): void;
  /**
   * Makes matching requests (all, without a matcher) take `ms` longer: each
   * is recorded in `requests` on arrival (status 0 until answered), waits,
   * then is handled — even when the client has gone meanwhile, as GitHub
   * carries out a request whose caller died. The first matching rule wins;
   * `clearLatency()` removes every rule.
   */
  setLatency(ms: number, matcher?: LatencyMatcher): void;
  clearLatency(): void;

  /** Issues (not pull requests) of a repository, by number. */
  issues(owner: string, repo: string): FakeIssue[];
  /** Comments on an issue or PR, oldest first. */
  comments(owner: string, repo: string, issueNumber: number): FakeComment[];
  /** Check runs of a repository, oldest first, with all annotations sent. */
  checkRuns(owner: string, repo: string): FakeCheckRun[];
  /** A file's text at a ref (default: the default branch), or undefined when absent. */
  file(owner: string, repo: string, path: string, ref?: string): string | undefined;

  // ---- pull requests opened through the API (pull-requests.ts)
  /** Pull requests of a repository (seeded and opened), by number. */
  pulls(owner: string, repo: string): FakeIssue[];
  /** A person merges an open pull request as GitHub's merge button does (default method `merge`); throws what GitHub would refuse. Returns the merge commit. */
  mergePullRequest(owner: string, repo: string, number: number, opts: { by: string; method?: MergeMethod }): string;
  /** A person closes or reopens a pull request. */
  setPullRequestState(owner: string, repo: string, number: number, state: "open" | "closed"): void;
  /** A person submits a review on a pull request. */
  addPullReview(owner: string, repo: string, number: number, review: { author: string; state: FakeReview["state"]; body?: string }): FakeReview;
}

const GITHUB_ERROR_TYPES = new Set(["STALE_DATA", "NOT_FOUND", "MISSING_PAGINATION_BOUNDARIES", "EXCESSIVE_PAGINATION", "INVALID_CURSOR_ARGUMENTS", "RATE_LIMITED", "FORBIDDEN"]);

interface Budget {
  remaining: number;
  resetAt: Date;
}

class FakeGitHubServer implements FakeGitHub {
  readonly state: FakeState;
  readonly requests: FakeRequestRecord[] = [];
  readonly violations: FakeViolation[] = [];
  graphqlPointsSpent = 0;
  url = "";
  host = "";
  private readonly server: Server;
  /** Answers to replace once the request has been carried out (FailureSpec.afterApplying). */
  private readonly lostAnswers = new WeakMap<ServerResponse, FailureSpec>();
  private readonly failures: { matcher: FailureMatcher; spec: FailureSpec; left: number }[] = [];
  private readonly latencies: { ms: number; matcher: LatencyMatcher }[] = [];
  private readonly budgets = new Map<string, Budget>();
  private readonly restCounts = new Map<string, number>();
  private readonly validations = { count: 0, totalMs: 0, maxMs: 0 };
  private readonly budget: number;
  private readonly checkResponses: (operationId: string) => boolean;
  private readonly access: FakeAccessHelpers;
  private nextRequestId = 1;
  readonly enterpriseVersion: string | null;
  /** Where GitHub's error bodies point (`documentation_url`). */
  private readonly docsUrl: string;

  constructor(
    private readonly validator: OpenApiValidator,
    private readonly graphqlSchemaBuildMs: number,
    opts: FakeGitHubOptions,
  ) {
    this.state = new FakeState(opts.now ?? (() => new Date()), opts.appSlug ?? "stewards");
    this.budget = opts.graphqlBudget ?? 5000;
    this.enterpriseVersion = opts.ghes ? `${opts.ghes}.0` : null;
    this.docsUrl = opts.ghes ? `https://docs.github.com/enterprise-server@${opts.ghes}/rest` : "https://docs.github.com/rest";
    const responses = opts.validateResponses ?? "access";
    this.checkResponses = (id) => responses === "all" || (responses === "access" && ACCESS_OPERATIONS.has(id));
    this.access = accessHelpers(this.state);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violation({ kind: "fake-error", method: req.method ?? "", path: req.url ?? "", messages: [String(error instanceof Error ? error.stack : error)] });
        if (!res.headersSent) this.send(res, 500, { message: "fake GitHub crashed; see violations" });
      });
    });
  }

  get apiUrl(): string {
    return `${this.url}/api/v3`;
  }

  get graphqlUrl(): string {
    return `${this.url}/api/graphql`;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    const { port: actual } = this.server.address() as AddressInfo;
    this.host = `127.0.0.1:${actual}`;
    this.url = `http://${this.host}`;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  timings(): FakeGitHubTimings {
    return { openapiInitMs: this.validator.initMs, graphqlSchemaBuildMs: this.graphqlSchemaBuildMs, validations: { ...this.validations } };
  }

  assertNoViolations(): void {
    if (!this.violations.length) return;
    const lines = this.violations.map((v, i) => `${i + 1}. [${v.kind}] ${v.method} ${v.path}${v.route ? ` (${v.route})` : ""}\n     ${v.messages.join("\n     ")}`);
    throw new Error(`fake GitHub saw ${this.violations.length} violation(s):\n${lines.join("\n")}`);
  }

  resetLog(): void {
    this.requests.length = 0;
    this.violations.length = 0;
  }

  // ------------------------------------------------------------ seeding and reading

  addRepo(opts: Parameters<FakeGitHub["addRepo"]>[0]): FakeRepo {
    return this.state.addRepo(opts);
  }

  putFile(owner: string, repo: string, path: string, content: string, opts: { branch?: string; message?: string } = {}): string {
    const r = this.state.requireRepo(owner, repo);
    const clean = path.replace(/^\/+/, "");
    return this.state.commitFiles(r, opts.branch ?? r.defaultBranch, new Map([[clean, Buffer.from(content, "utf8")]]), opts.message ?? `Update ${clean}`).sha;
  }

  addMergedPullRequest(owner: string, repo: string, pr: SeedMergedPullRequest): FakeIssue {
    const r = this.state.requireRepo(owner, repo);
    const paths = pr.paths ?? [];
    const share = (total: number, i: number) => Math.floor(total / Math.max(1, paths.length)) + (i < total % Math.max(1, paths.length) ? 1 : 0);
    const files: FakePullFile[] = paths.map((p, i) =>
      typeof p === "string" ? { path: p, additions: share(pr.additions, i), deletions: share(pr.deletions, i), status: "modified" } : { ...p, status: "modified" },
    );
    const issue: FakeIssue = {
      id: this.state.id(),
      number: this.state.takeNumber(r, pr.number),
      title: pr.title ?? `Change ${pr.number}`,
      body: "",
      state: "closed",
      stateReason: null,
      labels: (pr.labels ?? []).map((l) => this.state.ensureLabel(r, l).name),
      user: this.state.account(pr.author),
      assignees: [],
      locked: false,
      createdAt: pr.createdAt ?? pr.mergedAt,
      updatedAt: pr.updatedAt ?? pr.mergedAt,
      closedAt: pr.mergedAt,
      pull: {
        mergedAt: pr.mergedAt,
        mergedBy: this.state.account(pr.mergedBy ?? pr.author),
        additions: pr.additions,
        deletions: pr.deletions,
        files,
        reviews: (pr.reviews ?? []).map((rv) => ({ id: rv.id ?? this.state.id(), author: this.state.account(rv.author), state: rv.state, submittedAt: rv.submittedAt, body: rv.body ?? "" })),
        baseRef: pr.baseRef ?? r.defaultBranch,
        headRef: `pr-${pr.number}`,
        headSha: Buffer.from(`pr-${r.id}-${pr.number}`).toString("hex").padEnd(40, "0").slice(0, 40),
      },
    };
    r.issues.set(issue.number, issue);
    return issue;
  }

  addIssue(owner: string, repo: string, seed: { title: string; body?: string; author?: string; labels?: string[]; state?: "open" | "closed"; number?: number }): FakeIssue {
    const r = this.state.requireRepo(owner, repo);
    const now = this.state.timestamp();
    const issue: FakeIssue = {
      id: this.state.id(),
      number: this.state.takeNumber(r, seed.number),
      title: seed.title,
      body: seed.body ?? null,
      state: seed.state ?? "open",
      stateReason: seed.state === "closed" ? "completed" : null,
      labels: (seed.labels ?? []).map((l) => this.state.ensureLabel(r, l).name),
      user: this.state.account(seed.author ?? "octocat"),
      assignees: [],
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: seed.state === "closed" ? now : null,
    };
    r.issues.set(issue.number, issue);
    return issue;
  }

  addComment(owner: string, repo: string, issueNumber: number, seed: { author: string; body: string }): FakeComment {
    const r = this.state.requireRepo(owner, repo);
    if (!r.issues.has(issueNumber)) throw new Error(`fake GitHub: no #${issueNumber} in ${owner}/${repo}`);
    const now = this.state.timestamp();
    const comment: FakeComment = { id: this.state.id(), issueNumber, body: seed.body, user: this.state.account(seed.author), createdAt: now, updatedAt: now };
    r.comments.set(comment.id, comment);
    return comment;
  }

  addReaction(owner: string, repo: string, target: { issue: number } | { comment: number }, seed: { user: string; content: ReactionContent }): FakeReaction {
    const r = this.state.requireRepo(owner, repo);
    const t = "issue" in target ? { kind: "issue" as const, number: target.issue } : { kind: "comment" as const, id: target.comment };
    if (t.kind === "issue" && !r.issues.has(t.number)) throw new Error(`fake GitHub: no #${t.number} in ${owner}/${repo}`);
    if (t.kind === "comment" && !r.comments.has(t.id)) throw new Error(`fake GitHub: no comment ${t.id} in ${owner}/${repo}`);
    const reaction: FakeReaction = { id: this.state.id(), user: this.state.account(seed.user), content: seed.content, createdAt: this.state.timestamp(), target: t };
    r.reactions.push(reaction);
    return reaction;
  }

  // ------------------------------------------------------------ access (access-state.ts)

  addTeam(...args: Parameters<FakeAccessHelpers["addTeam"]>): ReturnType<FakeAccessHelpers["addTeam"]> {
    return this.access.addTeam(...args);
  }

  teamMembers(org: string, slug: string): string[] {
    return this.access.teamMembers(org, slug);
  }

  setOrgRole(...args: Parameters<FakeAccessHelpers["setOrgRole"]>): void {
    this.access.setOrgRole(...args);
  }

  acceptOrgInvitation(org: string, login: string): void {
    this.access.acceptOrgInvitation(org, login);
  }

  setTeamRepoPermission(...args: Parameters<FakeAccessHelpers["setTeamRepoPermission"]>): void {
    this.access.setTeamRepoPermission(...args);
  }

  setCollaborator(...args: Parameters<FakeAccessHelpers["setCollaborator"]>): void {
    this.access.setCollaborator(...args);
  }

  setBranchProtection(...args: Parameters<FakeAccessHelpers["setBranchProtection"]>): void {
    this.access.setBranchProtection(...args);
  }

  branchProtection(...args: Parameters<FakeAccessHelpers["branchProtection"]>): ReturnType<FakeAccessHelpers["branchProtection"]> {
    return this.access.branchProtection(...args);
  }

  addRuleset(...args: Parameters<FakeAccessHelpers["addRuleset"]>): ReturnType<FakeAccessHelpers["addRuleset"]> {
    return this.access.addRuleset(...args);
  }

  rulesets(owner: string, repo: string): ReturnType<FakeAccessHelpers["rulesets"]> {
    return this.access.rulesets(owner, repo);
  }

  issueToken(installationId: number): string {
    const token = `ghs_fake${installationId}x${this.state.id()}`;
    this.state.tokens.set(token, installationId);
    return token;
  }

  setFailure(matcher: FailureMatcher, spec: FailureSpec): void {
    this.failures.push({ matcher, spec, left: spec.times ?? 1 });
  }

  setLatency(ms: number, matcher: LatencyMatcher = {}): void {
    this.latencies.push({ ms, matcher });
  }

  clearLatency(): void {
    this.latencies.length = 0;
  }

  private async delay(record: FakeRequestRecord, apiPath: string): Promise<void> {
    const isGraphql = record.route === "POST /graphql";
    const rule = this.latencies.find(({ matcher: m }) => {
      if (m.graphql !== undefined && m.graphql !== isGraphql) return false;
      if (m.method && m.method.toUpperCase() !== record.method) return false;
      if (m.path instanceof RegExp) return m.path.test(apiPath);
      if (typeof m.path === "string") return m.path === apiPath || `${record.method} ${m.path}` === record.route;
      return true;
    });
    if (rule && rule.ms > 0) await new Promise((resolve) => setTimeout(resolve, rule.ms));
  }

  issues(owner: string, repo: string): FakeIssue[] {
    return [...this.state.requireRepo(owner, repo).issues.values()].filter((i) => !i.pull).sort((a, b) => a.number - b.number);
  }

  comments(owner: string, repo: string, issueNumber: number): FakeComment[] {
    return [...this.state.requireRepo(owner, repo).comments.values()].filter((c) => c.issueNumber === issueNumber).sort((a, b) => a.id - b.id);
  }

  checkRuns(owner: string, repo: string): FakeCheckRun[] {
    return [...this.state.requireRepo(owner, repo).checkRuns.values()].sort((a, b) => a.id - b.id);
  }

  file(owner: string, repo: string, path: string, ref?: string): string | undefined {
    const r = this.state.requireRepo(owner, repo);
    const sha = this.state.resolveRef(r, ref);
    const blob = sha ? this.state.treeOf(r, sha).get(path.replace(/^\/+/, "")) : undefined;
    return blob ? r.blobs.get(blob)?.toString("utf8") : undefined;
  }

  // ------------------------------------------------------------ pull requests opened through the API

  pulls(owner: string, repo: string): FakeIssue[] {
    return [...this.state.requireRepo(owner, repo).issues.values()].filter((i) => i.pull).sort((a, b) => a.number - b.number);
  }

  private requirePull(owner: string, repo: string, number: number): { r: FakeRepo; issue: FakeIssue } {
    const r = this.state.requireRepo(owner, repo);
    const issue = r.issues.get(number);
    if (!issue?.pull) throw new Error(`fake GitHub: no pull request #${number} in ${owner}/${repo}`);
    return { r, issue };
  }

  mergePullRequest(owner: string, repo: string, number: number, opts: { by: string; method?: MergeMethod }): string {
    const { r, issue } = this.requirePull(owner, repo, number);
    const out = mergePull(this.state, r, issue, { by: this.state.account(opts.by), ...(opts.method ? { method: opts.method } : {}) });
    if (out.status !== 200) throw new Error(`fake GitHub: cannot merge #${number}: ${out.message}`);
    return out.sha;
  }

  setPullRequestState(owner: string, repo: string, number: number, state: "open" | "closed"): void {
    const { r, issue } = this.requirePull(owner, repo, number);
    const refused = setPullState(this.state, r, issue, state);
    if (refused) throw new Error(`fake GitHub: ${refused}`);
  }

  addPullReview(owner: string, repo: string, number: number, seed: { author: string; state: FakeReview["state"]; body?: string }): FakeReview {
    const { issue } = this.requirePull(owner, repo, number);
    const review: FakeReview = { id: this.state.id(), author: this.state.account(seed.author), state: seed.state, submittedAt: this.state.timestamp(), body: seed.body ?? "" };
    issue.pull!.reviews.push(review);
    return review;
  }

  // ------------------------------------------------------------ HTTP

  private violation(v: FakeViolation): void {
    this.violations.push(v);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, text?: string): void {
    const lost = this.lostAnswers.get(res);
    if (lost) {
      this.lostAnswers.delete(res);
      return this.send(res, lost.status, lost.body ?? { message: "Server Error", documentation_url: this.docsUrl }, lost.headers ?? {});
    }
    const payload = text ?? (body === undefined || status === 204 ? "" : JSON.stringify(body));
    res.writeHead(status, {
      "content-type": text !== undefined ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      "x-github-request-id": `FAKE:${this.nextRequestId++}`,
      "x-github-media-type": text !== undefined ? "github.v3; param=raw" : "github.v3; format=json",
      // GHES names its release on every answer, errors included; octokit's enterprise-compatibility plugin and the app read it.
      ...(this.enterpriseVersion ? { "x-github-enterprise-version": this.enterpriseVersion } : {}),
      ...headers,
    });
    res.end(payload);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const method = (req.method ?? "GET").toUpperCase();
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    let body: unknown = undefined;
    let badJson = false;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const authorization = String(req.headers.authorization ?? "");
    const token = /^(?:token|bearer)\s+(\S+)/i.exec(authorization)?.[1];
    const installationId = token ? this.state.tokens.get(token) : undefined;

    if (rawPath === "/api/graphql" || rawPath === "/graphql") {
      const record: FakeRequestRecord = { method, path: rawPath, route: "POST /graphql", query, status: 0, body, installationId };
      this.requests.push(record);
      await this.delay(record, rawPath);
      if (this.injectFailure(res, record, rawPath)) return;
      this.handleGraphql(res, record, body, badJson, token, installationId);
      return;
    }

    const apiPath = rawPath.startsWith("/api/v3/") ? rawPath.slice("/api/v3".length) : rawPath === "/api/v3" ? "/" : rawPath;
    const record: FakeRequestRecord = { method, path: rawPath, route: `${method} ${apiPath}`, query, status: 0, body, installationId };
    this.requests.push(record);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}, text?: string) => {
      record.status = status;
      this.send(res, status, payload, { ...this.rateHeaders(token), ...headers }, text);
    };

    const match = this.validator.match(method, apiPath);
    if (match) {
      record.route = `${method} ${match.pathTemplate}`;
      record.operationId = match.operationId;
    }
    await this.delay(record, apiPath);
    if (this.injectFailure(res, record, apiPath)) return;
    if (badJson) {
      this.violation({ kind: "invalid-json", method, path: rawPath, route: record.route, messages: ["request body is not JSON"] });
      reply(400, { message: "Problems parsing JSON", documentation_url: this.docsUrl });
      return;
    }
    if (!token) {
      this.violation({ kind: "unauthenticated", method, path: rawPath, route: record.route, messages: ["no Authorization header"] });
      reply(401, { message: "Requires authentication", documentation_url: this.docsUrl });
      return;
    }

    const validation = this.validator.validate({ method, path: apiPath, query, headers: req.headers, body });
    record.validationMs = validation.ms;
    this.validations.count++;
    this.validations.totalMs += validation.ms;
    this.validations.maxMs = Math.max(this.validations.maxMs, validation.ms);
    if (!validation.match) {
      this.violation({ kind: "no-route", method, path: rawPath, messages: validation.errors });
      reply(404, { message: "Not Found", documentation_url: this.docsUrl, status: "404" });
      return;
    }
    if (validation.errors.length) {
      this.violation({ kind: "invalid-request", method, path: rawPath, route: record.route, messages: validation.errors });
      reply(422, { message: `Invalid request.\n\n${validation.errors.join("\n")}`, documentation_url: this.docsUrl, status: "422" });
      return;
    }
    const handler = restHandlers[validation.match.operationId];
    if (!handler) {
      this.violation({ kind: "not-implemented", method, path: rawPath, route: record.route, messages: [`fake GitHub does not implement ${validation.match.operationId}`] });
      reply(501, { message: `fake GitHub does not implement ${validation.match.operationId}` });
      return;
    }
    const urls: FakeUrls = { api: this.apiUrl, html: this.url };
    const ctx: RestContext = {
      state: this.state,
      urls,
      params: validation.match.params,
      query,
      body,
      headers: req.headers,
      installationId,
      actor: this.actorFor(installationId),
      pageUrl: (page) => {
        const u = new URL(url.toString());
        u.searchParams.set("page", String(page));
        return u.toString();
      },
      enterprise: this.enterpriseVersion,
    };
    const out: RestReply = handler(ctx);
    if (out.violation) this.violation({ kind: "invalid-request", method, path: rawPath, route: record.route, messages: [out.violation] });
    if (this.checkResponses(validation.match.operationId) && out.text === undefined) {
      const problems = this.validator.validateResponse(validation.match.operationId, out.status, out.status === 204 ? undefined : out.body);
      if (problems.length) {
        this.violation({ kind: "invalid-response", method, path: rawPath, route: record.route, messages: [`fake GitHub's ${out.status} answer does not match the OpenAPI response schema`, ...problems] });
      }
    }
    reply(out.status, out.body, out.headers, out.text);
  }

  private actorFor(installationId: number | undefined): FakeAccount {
    return installationId !== undefined ? this.state.account(`${this.state.app.slug}[bot]`, "Bot") : this.state.account("token-user", "User");
  }

  private rateHeaders(token: string | undefined): Record<string, string> {
    const key = token ?? "anonymous";
    const used = (this.restCounts.get(key) ?? 0) + 1;
    this.restCounts.set(key, used);
    return {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(Math.max(0, 5000 - used)),
      "x-ratelimit-used": String(used),
      "x-ratelimit-reset": String(Math.floor(this.state.now().getTime() / 1000) + 3600),
      "x-ratelimit-resource": "core",
    };
  }

  private injectFailure(res: ServerResponse, record: FakeRequestRecord, apiPath: string): boolean {
    const isGraphql = record.route === "POST /graphql";
    const view = { method: record.method, path: apiPath, route: record.route, operationId: record.operationId };
    const rule = this.failures.find((f) => {
      if (f.left <= 0) return false;
      const m = f.matcher;
      if (typeof m === "function") return m(view);
      if (m.graphql !== undefined && m.graphql !== isGraphql) return false;
      if (m.graphqlField !== undefined && !(isGraphql && mentionsField(record.body, m.graphqlField))) return false;
      if (m.method && m.method.toUpperCase() !== record.method) return false;
      if (m.operationId && m.operationId !== record.operationId) return false;
      if (m.path instanceof RegExp) return m.path.test(apiPath);
      if (typeof m.path === "string") return m.path === apiPath || `${record.method} ${m.path}` === record.route;
      return true;
    });
    if (!rule) return false;
    rule.left--;
    record.status = rule.spec.status;
    record.injected = true;
    if (rule.spec.afterApplying) {
      // Handled as usual; `send` swaps the answer.
      this.lostAnswers.set(res, rule.spec);
      return false;
    }
    const defaultMessage =
      rule.spec.status === 403 ? "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." : rule.spec.status >= 500 ? "Server Error" : "Injected failure";
    this.send(res, rule.spec.status, rule.spec.body ?? { message: defaultMessage, documentation_url: this.docsUrl }, rule.spec.headers ?? {});
    return true;
  }

  private handleGraphql(res: ServerResponse, record: FakeRequestRecord, body: unknown, badJson: boolean, token: string | undefined, installationId: number | undefined): void {
    const answer = (status: number, payload: unknown) => {
      record.status = status;
      this.send(res, status, payload);
    };
    const fail = (kind: FakeViolation["kind"], messages: string[], payload: unknown, status = 200) => {
      this.violation({ kind, method: record.method, path: record.path, route: record.route, messages });
      answer(status, payload);
    };
    if (record.method !== "POST") return fail("no-route", ["GraphQL takes POST only"], { message: "Not Found" }, 404);
    if (!token) return fail("unauthenticated", ["no Authorization header"], { message: "This endpoint requires you to be authenticated." }, 401);
    const request = body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    if (badJson || !request || typeof request.query !== "string") return fail("invalid-json", ["body must be JSON with a string `query`"], { message: "Problems parsing JSON" }, 400);
    const variables = (request.variables ?? {}) as Record<string, unknown>;
    const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
    const { schema } = loadGithubGraphqlSchema();
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail("graphql-invalid", [message], { errors: [{ message }] });
    }
    const invalid = validate(schema, document);
    if (invalid.length) return fail("graphql-invalid", invalid.map((e) => e.message), { errors: invalid.map(formatError) });
    const operations = document.definitions.filter((d) => d.kind === "OperationDefinition" && (!operationName || d.name?.value === operationName));
    const isMutation = operations.some((d) => d.kind === "OperationDefinition" && d.operation === "mutation");
    if (operations.some((d) => d.kind === "OperationDefinition" && d.operation === "subscription")) {
      return fail("not-implemented", ["fake GitHub answers queries and mutations only"], { errors: [{ message: "fake GitHub answers queries and mutations only" }] });
    }

    const { cost, requests: connectionRequests } = graphqlCost(schema, document, operationName, variables);
    const key = token;
    const budget = this.budgets.get(key) ?? { remaining: this.budget, resetAt: new Date(this.state.now().getTime() + 3600_000) };
    this.budgets.set(key, budget);
    if (budget.remaining < cost) {
      answer(200, { errors: [{ type: "RATE_LIMITED", message: `API rate limit exceeded for installation ID ${installationId ?? "?"}.` }] });
      return;
    }
    budget.remaining -= cost;
    this.graphqlPointsSpent += cost;
    record.graphqlCost = cost;

    const violations: string[] = [];
    const context: GraphqlResolverContext = {
      state: this.state,
      urls: { api: this.apiUrl, html: this.url },
      viewer: this.actorFor(installationId),
      rateLimit: { cost, limit: this.budget, remaining: budget.remaining, used: this.budget - budget.remaining, resetAt: githubTime(budget.resetAt), nodeCount: connectionRequests },
    };
    const fieldResolver: GraphQLFieldResolver<unknown, GraphqlResolverContext> = (source, args, ctx, info) => {
      if (source === null || typeof source !== "object") return undefined;
      const value = (source as Record<string, unknown>)[info.fieldName];
      if (typeof value === "function") return (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, ctx, info);
      if (value === undefined) {
        const message = `fake GitHub does not model ${info.parentType.name}.${info.fieldName}`;
        violations.push(message);
        throw new GraphQLError(message);
      }
      return value;
    };
    const result = execute({ schema, document, rootValue: isMutation ? graphqlMutationRoot(context) : graphqlRootValue(context), contextValue: context, variableValues: variables, operationName, fieldResolver }) as ExecutionResult;
    const errors = result.errors ?? [];
    const unexpected = errors.filter((e) => !GITHUB_ERROR_TYPES.has(String(e.extensions?.type ?? "")) && !violations.includes(e.message));
    if (violations.length) this.violation({ kind: "graphql-unmodelled", method: record.method, path: record.path, route: record.route, messages: [...new Set(violations)] });
    if (unexpected.length) this.violation({ kind: "graphql-error", method: record.method, path: record.path, route: record.route, messages: unexpected.map((e) => e.message) });
    answer(200, { data: result.data ?? null, ...(errors.length ? { errors: errors.map(formatError) } : {}) });
  }
}

/** True when a GraphQL request body's document names `field` (e.g. a mutation's root field, "createCommitOnBranch"). */
function mentionsField(body: unknown, field: string): boolean {
  const query = typeof body === "object" && body !== null ? (body as { query?: unknown }).query : undefined;
  return typeof query === "string" && new RegExp(`\\b${field}\\b`).test(query);
}

/** GitHub's GraphQL error shape: `type` at the top level, next to path and locations. */
function formatError(error: GraphQLError): Record<string, unknown> {
  const type = error.extensions?.type;
  return {
    ...(typeof type === "string" ? { type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    message: error.message,
  };
}

/**
 * Starts a fake GitHub on 127.0.0.1. The OpenAPI description and the GraphQL schema
 * are loaded once per process and shared by every fake started in it.
 */
export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const spec: OpenApiSpecName = opts.spec ?? (opts.ghes ? `ghes-${opts.ghes}` : "api.github.com");
  if (opts.ghes && spec !== `ghes-${opts.ghes}`) throw new Error(`fake GitHub: ghes ${opts.ghes} answers as GHES, but spec ${spec} is another description`);
  const validator = await loadOpenApiValidator(spec);
  const { buildMs } = loadGithubGraphqlSchema();
  const fake = new FakeGitHubServer(validator, buildMs, opts);
  await fake.listen(opts.port ?? 0);
  return fake;
}

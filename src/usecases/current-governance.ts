/**
 * The ladder and roster in force for a repository, cached in the store so
 * that measuring on every merged PR costs no API request (issue 2's target).
 *
 * The cache is invalidated by a push to the default branch that touches the
 * ladder or the roster (see handlers/push.ts), and otherwise refreshed after
 * CACHE_TTL_MS so organisation defaults (`_extends`) changed in a repository
 * the app is not installed on are still picked up.
 *
 * When the file on the default branch is invalid, the LAST VALID ladder stays
 * in force (SPEC: "keeps the last valid ladder"); when none was ever valid,
 * the repository has no ladder and the app does nothing there.
 *
 * Never a stale write-back (issue 10, finding 4: a reload that had read the
 * roster before a decision's commit wrote it back after the commit, and the
 * person just promoted was proposed again). Every entry carries the version
 * of the roster it holds (`rosterVersion`: the file's git blob sha) and a
 * revision bumped by every write; writes are compare-and-set under a short
 * lease, so across replicas too:
 * - a reload writes only if the entry is still the revision it started from;
 *   otherwise someone wrote meanwhile (a commit, an invalidation) and which
 *   read is newer cannot be told, so it writes nothing but "read again";
 * - the app's own commit replaces the roster only when the cached one is the
 *   commit's parent version; any other order expires the entry instead, and
 *   the next reader reads the branch;
 * - an invalidation bumps the revision, so a reload already in flight (it read
 *   before the push) cannot make its older read look fresh.
 * A write that cannot be proven newer never happens; the price is a reload.
 */
import { createHash, randomUUID } from "node:crypto";
import type { LoadResult } from "../config/load-governance.js";
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";
import { withLease } from "./proposal-records.js";

export const CACHE_TTL_MS = 6 * 60 * 60 * 1000;

export interface GovernanceSource {
  /** Loads and validates `.github/governance.yml` (with `_extends`) at `ref`, default branch when omitted. */
  loadGovernance(repo: RepoRef, ref?: string): Promise<LoadResult>;
  /** The roster's text at `ref`, or null when the file does not exist. Rejects on any other failure. */
  readFile(repo: RepoRef, path: string, ref?: string): Promise<string | null>;
}

/** The store's key-value part without its leases: what readers and plain writers of values need. */
export interface ValueStore {
  /** Null when absent. */
  getValue<T>(key: string): Promise<T | null>;
  setValue<T>(key: string, value: T): Promise<void>;
}

export interface KeyValueStore extends ValueStore {
  /** See LedgerStore.acquireLease: atomic across replicas; `key` starts with "lease:". Serialises the cache's compare-and-set. */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;
}

interface CacheEntry {
  governance: Governance | null;
  roster: Roster;
  /** False when the roster on the default branch is broken: the app must change nothing. */
  rosterValid: boolean;
  /** The last load found the file invalid; `governance` is the last valid one (or null). */
  currentlyInvalid: boolean;
  loadedAt: string;
  /** The owner's generation when loaded: a push to the org's `.github` repo bumps it, expiring every entry. */
  ownerGeneration?: number;
  /** `rosterVersion` of the text `roster` was parsed from; null or absent: unknown (an entry from before versions). */
  rosterVersion?: string | null;
  /** The app's commit that wrote this roster, when it was put in by `replaceCachedRoster`; absent after a reload. */
  rosterCommit?: string;
  /** Bumped by every write: the compare in compare-and-set. Absent: 0. */
  revision?: number;
}

/** A commit of the app's that changed the roster: the file's text in its parent and in it (null: absent). */
export interface RosterCommit {
  before: string | null;
  after: string;
  /** The commit's sha, when known (null in dry run or when GitHub did not say). */
  sha?: string | null;
}

export type CurrentGovernance =
  | { kind: "ok"; governance: Governance; roster: Roster; rosterValid: boolean; currentlyInvalid: boolean }
  | { kind: "absent" }
  | { kind: "unavailable"; reason: string };

export function cacheKey(repo: RepoRef): string {
  return `governance:${repo.owner.toLowerCase()}/${repo.repo.toLowerCase()}`;
}

function generationKey(owner: string): string {
  return `governance-generation:${owner.toLowerCase()}`;
}

/** Expires every cached ladder of this owner (organisation defaults changed). */
export async function bumpOwnerGeneration(kv: KeyValueStore, owner: string): Promise<void> {
  const current = (await kv.getValue<number>(generationKey(owner))) ?? 0;
  await kv.setValue(generationKey(owner), current + 1);
}

/**
 * The version of a roster file's text: its git blob sha (the `sha` GitHub
 * shows for the file), "absent" when there is no file. Equal versions, equal text.
 */
export function rosterVersion(text: string | null): string {
  if (text === null) return "absent";
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

const EXPIRED = new Date(0).toISOString();
const CACHE_LEASE_MS = 10_000;
const CACHE_WAIT_MS = 5_000;
/** This process in the cache's lease (withLease makes each call unique within it); a pid alone repeats across containers. */
const cacheWriter = `cache-${randomUUID()}`;

/**
 * Runs `change` on the entry under the cache's lease (compare-and-set across
 * replicas): `change` returns the entry to write, or null to write nothing.
 * When the lease cannot be had in time, `fallback` (if any) is written
 * without it — only ever an expiry, which is safe to lose or to repeat.
 */
async function updateEntry(kv: KeyValueStore, repo: RepoRef, change: (entry: CacheEntry | null) => CacheEntry | null, fallback?: (entry: CacheEntry) => CacheEntry): Promise<void> {
  const key = cacheKey(repo);
  const done = await withLease(
    kv,
    `governance-cache:${key}`,
    cacheWriter,
    CACHE_LEASE_MS,
    async () => {
      const entry = await kv.getValue<CacheEntry>(key);
      const next = change(entry);
      if (next) await kv.setValue(key, { ...next, revision: (entry?.revision ?? 0) + 1 } satisfies CacheEntry);
    },
    { waitMs: CACHE_WAIT_MS, pollMs: 20 },
  );
  if (!done.ran && fallback) {
    const entry = await kv.getValue<CacheEntry>(key);
    if (entry) await kv.setValue(key, { ...fallback(entry), revision: (entry.revision ?? 0) + 1 } satisfies CacheEntry);
  }
}

const expire = (e: CacheEntry): CacheEntry => ({ ...e, loadedAt: EXPIRED });

/** The next reader reads the branch again (a push changed the ladder or the roster). A reload in flight does not undo it. */
export async function invalidateGovernance(kv: KeyValueStore, repo: RepoRef): Promise<void> {
  await updateEntry(kv, repo, (e) => (e ? expire(e) : null), expire);
}

/**
 * The push of the app's own commit `sha` that changed the roster: nothing
 * when the cache already holds that commit's roster (put there by
 * `replaceCachedRoster` after the commit), else the cache is expired — the
 * refresh after the commit was lost (a crash between the two) or the cache
 * holds a read whose order against this commit cannot be told.
 */
export async function expireUnlessAt(kv: KeyValueStore, repo: RepoRef, sha: string): Promise<void> {
  await updateEntry(kv, repo, (e) => (e && e.rosterCommit !== sha && e.loadedAt !== EXPIRED ? expire(e) : null), expire);
}

/**
 * The last valid ladder and roster in the cache, whatever their age (null
 * when none was ever valid): what was in force on the default branch as far
 * as the app knows. No request.
 */
export async function lastValidGovernance(kv: Pick<ValueStore, "getValue">, repo: RepoRef): Promise<{ governance: Governance; roster: Roster } | null> {
  const entry = await kv.getValue<CacheEntry>(cacheKey(repo));
  return entry?.governance ? { governance: entry.governance, roster: entry.roster } : null;
}

/**
 * Puts a roster the app itself just committed into the cached entry, so the
 * next event needs no reads (dropping the entry would cost three: the
 * ladder, the organisation's defaults and the roster). The ladder and its
 * age are kept. Only when the cached roster is the commit's parent
 * (`commit.before`): a cache that is ahead (a later commit's refresh came
 * first) or behind something else is expired instead, never set back; so is
 * one when `commit` is not known.
 */
export async function replaceCachedRoster(kv: KeyValueStore, repo: RepoRef, roster: Roster, commit?: RosterCommit): Promise<void> {
  await updateEntry(
    kv,
    repo,
    (e) => {
      if (!e) return null;
      const known = e.rosterVersion ?? null;
      // There already (a reload saw the commit first): remember which commit, so its push costs nothing.
      if (commit && known === rosterVersion(commit.after)) return commit.sha && e.rosterCommit !== commit.sha ? { ...e, rosterCommit: commit.sha } : null;
      if (commit && known !== null && e.rosterValid && known === rosterVersion(commit.before)) {
        const { rosterCommit: _previous, ...rest } = e;
        return { ...rest, roster, rosterValid: true, rosterVersion: rosterVersion(commit.after), ...(commit.sha ? { rosterCommit: commit.sha } : {}) };
      }
      return e.loadedAt === EXPIRED ? null : expire(e);
    },
    expire,
  );
}

/**
 * Writes a reload's `entry` if the cached entry is still `revision` (what the
 * reload started from); otherwise someone wrote while it read, and the entry
 * is only expired (unless it holds the same roster) — see the module comment.
 */
async function storeReload(kv: KeyValueStore, repo: RepoRef, revision: number, entry: CacheEntry): Promise<void> {
  await updateEntry(kv, repo, (now) => {
    if ((now?.revision ?? 0) === revision) return entry;
    if (!now) return null;
    const same = (now.rosterVersion ?? null) !== null && now.rosterVersion === entry.rosterVersion && now.governance !== null && entry.governance !== null;
    return same || now.loadedAt === EXPIRED ? null : expire(now);
  });
}

export async function currentGovernance(
  deps: { source: GovernanceSource; kv: KeyValueStore; log: Logger; now: Date },
  repo: RepoRef,
): Promise<CurrentGovernance> {
  const cached = await deps.kv.getValue<CacheEntry>(cacheKey(repo));
  const generation = (await deps.kv.getValue<number>(generationKey(repo.owner))) ?? 0;
  if (
    cached &&
    (cached.ownerGeneration ?? 0) === generation &&
    deps.now.getTime() - Date.parse(cached.loadedAt) < CACHE_TTL_MS
  ) {
    return fromEntry(cached);
  }
  const revision = cached?.revision ?? 0;

  let loaded: LoadResult;
  try {
    loaded = await deps.source.loadGovernance(repo);
  } catch (err) {
    loaded = { kind: "load-error", error: err instanceof Error ? err : new Error(String(err)), retryable: true };
  }
  if (loaded.kind === "load-error") {
    deps.log.warn({ err: loaded.error, repo: `${repo.owner}/${repo.repo}` }, "could not load governance.yml; using the cached ladder if any");
    return cached ? fromEntry(cached) : { kind: "unavailable", reason: "the ladder could not be loaded from GitHub; try again shortly" };
  }
  if (loaded.kind === "absent") {
    await storeReload(deps.kv, repo, revision, {
      governance: null,
      roster: { members: [], emeritus: [] },
      rosterValid: true,
      currentlyInvalid: false,
      loadedAt: deps.now.toISOString(),
      ownerGeneration: generation,
      rosterVersion: null,
    });
    return { kind: "absent" };
  }
  if (loaded.kind === "invalid") {
    const entry: CacheEntry = {
      governance: cached?.governance ?? null,
      roster: cached?.roster ?? { members: [], emeritus: [] },
      rosterValid: cached?.rosterValid ?? true,
      currentlyInvalid: true,
      loadedAt: deps.now.toISOString(),
      ownerGeneration: generation,
      rosterVersion: cached?.rosterVersion ?? null,
    };
    await storeReload(deps.kv, repo, revision, entry);
    return fromEntry(entry);
  }

  const governance = loaded.governance;
  let roster: Roster = { members: [], emeritus: [] };
  let rosterValid = true;
  let version: string | null = null;
  try {
    const text = await deps.source.readFile(repo, governance.roster.path);
    version = rosterVersion(text);
    if (text !== null) {
      const parsed = parseRoster(text, governance);
      if (parsed.ok) roster = parsed.roster;
      else {
        rosterValid = false;
        roster = cached?.roster ?? roster;
        version = cached?.rosterVersion ?? null; // the roster kept is the cached one
      }
    }
  } catch (err) {
    deps.log.warn({ err }, "could not read the roster; using the cached one if any");
    if (!cached) return { kind: "unavailable", reason: "the roster could not be loaded from GitHub; try again shortly" };
    roster = cached.roster;
    rosterValid = cached.rosterValid;
    version = cached.rosterVersion ?? null;
  }
  const entry: CacheEntry = {
    governance,
    roster,
    rosterValid,
    currentlyInvalid: false,
    loadedAt: deps.now.toISOString(),
    ownerGeneration: generation,
    rosterVersion: version,
  };
  await storeReload(deps.kv, repo, revision, entry);
  return fromEntry(entry);
}

function fromEntry(e: CacheEntry): CurrentGovernance {
  if (!e.governance) {
    return e.currentlyInvalid
      ? { kind: "unavailable", reason: "`.github/governance.yml` is invalid and no earlier valid ladder is known" }
      : { kind: "absent" };
  }
  return { kind: "ok", governance: e.governance, roster: e.roster, rosterValid: e.rosterValid, currentlyInvalid: e.currentlyInvalid };
}

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
 */
import type { LoadResult } from "../config/load-governance.js";
import { parseRoster } from "../config/parse-roster.js";
import type { Governance, Roster } from "../config/schema.js";
import type { Logger } from "../github/logger.js";
import type { RepoRef } from "../plan/actions.js";

export const CACHE_TTL_MS = 6 * 60 * 60 * 1000;

export interface GovernanceSource {
  /** Loads and validates `.github/governance.yml` (with `_extends`) at `ref`, default branch when omitted. */
  loadGovernance(repo: RepoRef, ref?: string): Promise<LoadResult>;
  /** The roster's text at `ref`, or null when the file does not exist. Rejects on any other failure. */
  readFile(repo: RepoRef, path: string, ref?: string): Promise<string | null>;
}

export interface KeyValueStore {
  /** Null when absent. */
  getValue<T>(key: string): Promise<T | null>;
  setValue<T>(key: string, value: T): Promise<void>;
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

export async function invalidateGovernance(kv: KeyValueStore, repo: RepoRef): Promise<void> {
  const entry = await kv.getValue<CacheEntry>(cacheKey(repo));
  if (entry) await kv.setValue(cacheKey(repo), { ...entry, loadedAt: new Date(0).toISOString() });
}

/**
 * The last valid ladder and roster in the cache, whatever their age (null
 * when none was ever valid): what was in force on the default branch as far
 * as the app knows. No request.
 */
export async function lastValidGovernance(kv: KeyValueStore, repo: RepoRef): Promise<{ governance: Governance; roster: Roster } | null> {
  const entry = await kv.getValue<CacheEntry>(cacheKey(repo));
  return entry?.governance ? { governance: entry.governance, roster: entry.roster } : null;
}

/**
 * Puts a roster the app itself just committed into the cached entry, so the
 * next event needs no reads (dropping the entry would cost three: the
 * ladder, the organisation's defaults and the roster). The ladder and its
 * age are kept.
 */
export async function replaceCachedRoster(kv: KeyValueStore, repo: RepoRef, roster: Roster): Promise<void> {
  const entry = await kv.getValue<CacheEntry>(cacheKey(repo));
  if (entry) await kv.setValue(cacheKey(repo), { ...entry, roster, rosterValid: true });
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
    await deps.kv.setValue(cacheKey(repo), {
      governance: null,
      roster: { members: [], emeritus: [] },
      rosterValid: true,
      currentlyInvalid: false,
      loadedAt: deps.now.toISOString(),
      ownerGeneration: generation,
    } satisfies CacheEntry);
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
    };
    await deps.kv.setValue(cacheKey(repo), entry);
    return fromEntry(entry);
  }

  const governance = loaded.governance;
  let roster: Roster = { members: [], emeritus: [] };
  let rosterValid = true;
  try {
    const text = await deps.source.readFile(repo, governance.roster.path);
    if (text !== null) {
      const parsed = parseRoster(text, governance);
      if (parsed.ok) roster = parsed.roster;
      else {
        rosterValid = false;
        roster = cached?.roster ?? roster;
      }
    }
  } catch (err) {
    deps.log.warn({ err }, "could not read the roster; using the cached one if any");
    if (!cached) return { kind: "unavailable", reason: "the roster could not be loaded from GitHub; try again shortly" };
    roster = cached.roster;
    rosterValid = cached.rosterValid;
  }
  const entry: CacheEntry = {
    governance,
    roster,
    rosterValid,
    currentlyInvalid: false,
    loadedAt: deps.now.toISOString(),
    ownerGeneration: generation,
  };
  await deps.kv.setValue(cacheKey(repo), entry);
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

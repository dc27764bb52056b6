/**
 * The cached ladder and roster (src/usecases/current-governance.ts) under
 * interleavings of a reload (reads GitHub, then writes the cache) with the
 * app's own roster commits (which put the committed roster into the cache):
 * a roster read before a commit must never be written back over it
 * (issue 10, finding 4: the person just promoted was proposed again).
 */
import type { Governance, Roster } from "../../src/config/schema.js";
import { governanceSchema, rosterSchema } from "../../src/config/schema.js";
import type { RepoRef } from "../../src/plan/actions.js";
import { currentGovernance, expireUnlessAt, invalidateGovernance, replaceCachedRoster, rosterVersion, type GovernanceSource } from "../../src/usecases/current-governance.js";
import { silent } from "../support/silent-logger.js";

const repo: RepoRef = { owner: "acme", repo: "widgets" };
const NOW = new Date("2026-11-20T12:00:00Z");
const governance: Governance = governanceSchema.parse({
  version: 1,
  ladder: [
    { role: "member", requires: { merged_prs: 2 } },
    { role: "maintainer", requires: { merged_prs: 50 } },
  ],
});
const entry = (login: string, role: string) => `  - login: ${login}\n    role: ${role}\n    since: 2024-01-15\n`;
const BEFORE = `members:\n${entry("alice", "maintainer")}`;
const WITH_ANA = `${BEFORE}${entry("ana", "member")}`;
const WITH_ANA_AND_BEN = `${WITH_ANA}${entry("ben", "member")}`;
const rosterOf = (text: string): Roster =>
  rosterSchema.parse({ members: [...text.matchAll(/login: (\w+)\n\s+role: (\w+)/g)].map(([, login, role]) => ({ login, role, since: "2024-01-15" })) });

/** The store's slice the cache uses, in memory; leases as the real store keeps them (one holder at a time). */
class MemoryKv {
  values = new Map<string, string>();
  leases = new Map<string, { holder: string; until: number }>();
  async getValue<T>(key: string): Promise<T | null> {
    const v = this.values.get(key);
    return v === undefined ? null : (JSON.parse(v) as T);
  }
  async setValue<T>(key: string, value: T): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
  async acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(key);
    if (held && held.holder !== holder && held.until > Date.now()) return false;
    this.leases.set(key, { holder, until: Date.now() + ttlMs });
    return true;
  }
  async releaseLease(key: string, holder: string): Promise<void> {
    if (this.leases.get(key)?.holder === holder) this.leases.delete(key);
  }
}

/** GitHub's default branch: the roster's text now; `hold()` makes the next read wait until released (a slow read). */
class Branch implements GovernanceSource {
  text = BEFORE;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  reads = 0;
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  async loadGovernance() {
    return { kind: "ok" as const, governance, warnings: [], files: [".github/governance.yml"] };
  }
  async readFile(): Promise<string | null> {
    this.reads++;
    const text = this.text; // read now: what the branch held when the request reached GitHub
    if (this.gate) await this.gate;
    return text;
  }
}

let kv: MemoryKv;
let branch: Branch;
const read = () => currentGovernance({ source: branch, kv, log: silent, now: NOW }, repo);
const rosterNow = async () => {
  const got = await read();
  if (got.kind !== "ok") throw new Error(`no ladder: ${got.kind}`);
  return got.roster.members.map((m) => m.login).sort();
};
/** Until the reload reached its read of the roster. */
const readStarted = async (before: number) => {
  while (branch.reads === before) await new Promise((r) => setTimeout(r, 1));
};

beforeEach(async () => {
  kv = new MemoryKv();
  branch = new Branch();
  expect(await rosterNow()).toEqual(["alice"]); // cached
});

describe("the cached roster", () => {
  it("is not overwritten by a reload that read the roster before the app's commit landed", async () => {
    await invalidateGovernance(kv, repo); // e.g. someone's push: the next reader reloads
    branch.hold();
    const reads = branch.reads;
    const reload = read(); // reads BEFORE, slowly…
    await readStarted(reads);
    // …meanwhile the decision commits ana and puts the committed roster into the cache.
    branch.text = WITH_ANA;
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA });
    branch.release();
    await reload;
    expect(await rosterNow()).toEqual(["alice", "ana"]);
  });

  it("is not set back by a late refresh of an older commit of the app's", async () => {
    // Two decisions on two replicas: ana's commit lands, then ben's on top of it; ben's
    // replica refreshes the cache first, ana's last.
    branch.text = WITH_ANA_AND_BEN;
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA }); // applied in order…
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA_AND_BEN), { before: WITH_ANA, after: WITH_ANA_AND_BEN });
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA }); // …then a duplicate, late
    expect(await rosterNow()).toEqual(["alice", "ana", "ben"]);

    // Out of order from the start: ben's refresh finds a cache that never saw ana's commit.
    kv = new MemoryKv();
    branch.text = BEFORE;
    expect(await rosterNow()).toEqual(["alice"]);
    branch.text = WITH_ANA_AND_BEN;
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA_AND_BEN), { before: WITH_ANA, after: WITH_ANA_AND_BEN });
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA });
    expect(await rosterNow()).toEqual(["alice", "ana", "ben"]);
  });

  it("costs no read when the app's commit follows the cached roster", async () => {
    const reads = branch.reads;
    branch.text = WITH_ANA;
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA });
    expect(await rosterNow()).toEqual(["alice", "ana"]);
    expect(branch.reads).toBe(reads);
  });

  it("on the app's own push: nothing when the cache holds that commit's roster, else read again (late, or twice)", async () => {
    branch.text = WITH_ANA;
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA, sha: "c1" });
    const reads = branch.reads;
    await expireUnlessAt(kv, repo, "c1");
    await expireUnlessAt(kv, repo, "c1");
    expect(await rosterNow()).toEqual(["alice", "ana"]);
    expect(branch.reads).toBe(reads);
    // A push for a commit whose refresh never came (the process died in between): the next reader reads the branch.
    branch.text = WITH_ANA_AND_BEN;
    await expireUnlessAt(kv, repo, "c2");
    expect(await rosterNow()).toEqual(["alice", "ana", "ben"]);
    expect(branch.reads).toBe(reads + 1);
  });

  it("versions a roster by its git blob sha", () => {
    // `printf 'members: []\n' | git hash-object --stdin`
    expect(rosterVersion("members: []\n")).toBe("a06377db6aefb87ea31ed5bfa1db99466363e63e");
    expect(rosterVersion(null)).toBe("absent");
  });

  it("two reloads racing each other both end at the branch as it is", async () => {
    await invalidateGovernance(kv, repo);
    branch.hold();
    const reads = branch.reads;
    const first = read();
    await readStarted(reads);
    branch.release();
    branch.text = WITH_ANA;
    await replaceCachedRoster(kv, repo, rosterOf(WITH_ANA), { before: BEFORE, after: WITH_ANA });
    await first;
    await invalidateGovernance(kv, repo);
    await Promise.all([read(), read()]);
    expect(await rosterNow()).toEqual(["alice", "ana"]);
  });
});

/**
 * The convergence suite's generator (test/support/convergence-history.ts):
 * deterministic for a seed, and shaped as the suite needs — hundreds of
 * people, thousands of PRs and reviews with a skew, a replayed stretch of a
 * few hundred events, and a handful of proposals.
 */
import { generateHistory } from "../support/convergence-history.js";

const SEED = Number(process.env.CONVERGENCE_SEED ?? 5150);

describe("the convergence history generator", () => {
  it("is deterministic for a seed and realistically shaped", () => {
    const now = Date.parse("2026-12-04T12:00:00Z");
    const a = generateHistory({ seed: SEED, now });
    const b = generateHistory({ seed: SEED, now });
    expect(b.rosterYml).toBe(a.rosterYml);
    expect(b.events.map((e) => `${e.kind}:${e.pr.number}`)).toEqual(a.events.map((e) => `${e.kind}:${e.pr.number}`));
    expect(b.model).toEqual(a.model);
    console.log(`convergence history (seed ${SEED}): ${JSON.stringify(a.stats)}\nproposals: ${JSON.stringify(a.model.proposals)}`);
    expect(a.stats.contributors).toBeGreaterThanOrEqual(200);
    expect(a.stats.pullRequests).toBeGreaterThanOrEqual(2000);
    expect(a.stats.reviews).toBeGreaterThanOrEqual(1500);
    expect(a.stats.replayEvents).toBeGreaterThanOrEqual(100);
    expect(a.stats.replayEvents).toBeLessThanOrEqual(400);
    expect(a.model.proposals.length).toBeGreaterThanOrEqual(3);
  });
});

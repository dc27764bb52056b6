/**
 * Telling a mistyped Stewards command (`/ladders`, `/apeal`, `/stepdown`) from
 * another bot's command (`/assign`, `/lgtm`, `/retest`) that merely looks
 * alike. The first deserves a "did you mean" reply; the second must get no
 * reply at all, or the app would talk over every other bot in the thread.
 */

/**
 * Commands of other bots that projects commonly run beside Stewards (Prow and
 * its plugins, CI bots, GitHub's own editor commands). Some are a short edit
 * away from ours (`/unhold` vs `/uphold`, `/retest` vs `/reject`), so the
 * distance alone cannot tell them apart.
 */
export const FOREIGN_COMMANDS: ReadonlySet<string> = new Set([
  // Prow (kubernetes-sigs/prow) plugins
  "approve", "area", "assign", "bark", "cat", "cc", "check-cla", "cherry-pick", "cherrypick", "clear-project",
  "close", "dog", "easycla", "good-first-issue", "help", "hold", "honk", "invalid", "jira", "joke", "kind", "label",
  "lgtm", "lifecycle", "lint", "meow", "meowvie", "milestone", "ok-to-test", "override", "pony", "priority",
  "project", "release-note", "release-note-edit", "release-note-none", "remove-area", "remove-good-first-issue",
  "remove-help", "remove-kind", "remove-label", "remove-lifecycle", "remove-priority", "remove-sig", "remove-triage",
  "reopen", "retest", "retest-required", "retitle", "shrug", "sig", "skip", "test", "transfer", "transfer-issue",
  "triage", "unassign", "uncc", "unhold", "unshrug", "verify-owners", "woof",
  // CI and merge bots
  "azp", "backport", "benchmark", "deploy", "format", "gcbrun", "merge", "rebase", "release",
  "rerun", "rerun-all", "run", "squash", "unlabel",
  // GitHub's comment editor
  "code", "details", "saved-replies", "table", "tasklist", "template",
]);

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and
 * transpositions of neighbours each cost 1 (`apeal`→`appeal` is 1, `laddre`→`ladder` is 1).
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows (two back, for transpositions) instead of a full matrix: this runs for every
  // unrecognised `/word` line of every comment, so it should not allocate much.
  const n = b.length;
  let before = new Uint16Array(n + 1);
  let previous = Uint16Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Uint16Array(n + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[n] ?? 0;
}

/**
 * The known word `word` is most likely a typo of, or null. Two edits are
 * allowed between words of 6+ letters, one below that (two edits turn `hold`
 * into `uphold`), and other bots' commands are never typos. Ties go to the
 * earlier entry of `known`.
 */
export function closestKnown(word: string, known: readonly string[]): string | null {
  const w = word.toLowerCase();
  if (FOREIGN_COMMANDS.has(w) || w.length > 40) return null;
  let best: { name: string; distance: number } | null = null;
  for (const name of known) {
    const allowed = Math.min(w.length, name.length) >= 6 ? 2 : 1;
    if (Math.abs(w.length - name.length) > allowed) continue;
    const distance = editDistance(w, name);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

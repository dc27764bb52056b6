/** Recorded GitHub answers shared by the access reader and apply-access-plan tests. */

/** The GraphQL answer of the CODEOWNERS snapshot (branch-files.ts) with `files` present at head1/tree1. */
export const codeownersAnswer = (files: Record<string, string>) => ({
  data: {
    repository: {
      ref: {
        target: {
          __typename: "Commit",
          oid: "head1",
          tree: { oid: "tree1" },
          ...Object.fromEntries(
            [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"].map((p, i) => [`f${i}`, p in files ? { object: { oid: `blob${i}`, isBinary: false, isTruncated: false, text: files[p] } } : null]),
          ),
        },
      },
    },
  },
});

export const restProtection = {
  url: "https://api.github.com/repos/acme/widgets/branches/main/protection",
  required_status_checks: { strict: true, contexts: ["ci/test"], checks: [{ context: "ci/test", app_id: 15368 }], enforcement_level: "non_admins" },
  enforce_admins: { url: "…", enabled: true },
  required_pull_request_reviews: {
    dismiss_stale_reviews: true,
    require_code_owner_reviews: true,
    required_approving_review_count: 2,
    require_last_push_approval: false,
    dismissal_restrictions: { users: [{ login: "alice", id: 1 }], teams: [{ slug: "maintainers", id: 13 }], apps: [] },
    bypass_pull_request_allowances: { users: [{ login: "alice", id: 1 }], teams: [], apps: [{ slug: "renovate", id: 2740 }] },
  },
  restrictions: { users: [{ login: "alice" }, { login: "release-bot" }], teams: [{ slug: "release" }], apps: [] },
  required_linear_history: { enabled: true },
  allow_force_pushes: { enabled: false },
  allow_deletions: { enabled: false },
  block_creations: { enabled: false },
  required_conversation_resolution: { enabled: true },
  lock_branch: { enabled: false },
  allow_fork_syncing: { enabled: false },
  required_signatures: { url: "…", enabled: false },
};

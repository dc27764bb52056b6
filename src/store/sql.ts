/**
 * The store's SQL, written once for both implementations: PGlite (the
 * embedded store) and PostgreSQL speak the same dialect, so the migrations
 * and every query below run unchanged on either.
 *
 * Conventions that keep the two drivers' results identical:
 * - Dates go in as ISO-8601 text cast to timestamptz and come out as ISO text
 *   formatted in SQL (`ISO_UTC`), so no driver-specific Date parsing happens.
 * - Lists come out as one JSON text document, parsed once in JavaScript.
 * - JSON goes in as text (`JSON.stringify`) cast to jsonb.
 * - Batches go in as one jsonb array expanded by `jsonb_to_recordset`: one
 *   round trip per batch whatever its size.
 * - Logins and repository names compare with `lower()` on both sides.
 */

export interface Migration {
  /** Applied in ascending order; never renumber or edit a released one — add a new one. */
  version: number;
  name: string;
  /** One or more statements; run with `exec` inside the migration transaction. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "ledger",
    sql: `
CREATE TABLE deliveries (
  id text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_received_at ON deliveries (received_at);

CREATE TABLE pull_requests (
  repo text NOT NULL,
  number integer NOT NULL,
  author text NOT NULL,
  merged_at timestamptz NOT NULL,
  additions integer NOT NULL,
  deletions integer NOT NULL,
  labels jsonb NOT NULL DEFAULT '[]'::jsonb,
  paths jsonb,
  url text NOT NULL,
  PRIMARY KEY (repo, number)
);
CREATE INDEX pull_requests_author ON pull_requests (lower(author));
CREATE INDEX pull_requests_merged_at ON pull_requests (merged_at);
CREATE INDEX pull_requests_repo ON pull_requests (lower(repo));
CREATE INDEX pull_requests_owner ON pull_requests (lower(split_part(repo, '/', 1)));

CREATE TABLE reviews (
  id bigint PRIMARY KEY,
  repo text NOT NULL,
  pr_number integer NOT NULL,
  pr_author text NOT NULL,
  reviewer text NOT NULL,
  state text NOT NULL,
  submitted_at timestamptz NOT NULL,
  url text NOT NULL
);
CREATE INDEX reviews_reviewer ON reviews (lower(reviewer));
CREATE INDEX reviews_submitted_at ON reviews (submitted_at);
CREATE INDEX reviews_repo ON reviews (lower(repo));
CREATE INDEX reviews_owner ON reviews (lower(split_part(repo, '/', 1)));

CREATE TABLE sync_state (
  repo_key text PRIMARY KEY,
  repo text NOT NULL,
  backfilled boolean NOT NULL,
  updated_through timestamptz,
  last_sync_at timestamptz,
  fields jsonb NOT NULL DEFAULT '{"labels": false, "paths": false}'::jsonb
);

CREATE TABLE kv (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: "content-grants",
    // One row per content-creating request sent to GitHub, kept for the longest budget window (an hour).
    sql: `
CREATE TABLE content_grants (
  key text NOT NULL,
  granted_at timestamptz NOT NULL
);
CREATE INDEX content_grants_key_at ON content_grants (key, granted_at);
`,
  },
  {
    version: 3,
    name: "labels-unknown",
    // Labels not read are unknown (NULL), never '[]'. Rows of repositories whose history was
    // never read with labels held '[]' for "not read": they become unknown, so that a ladder
    // that starts excluding labels re-reads them instead of counting those PRs as unlabelled.
    sql: `
ALTER TABLE pull_requests ALTER COLUMN labels DROP NOT NULL;
ALTER TABLE pull_requests ALTER COLUMN labels DROP DEFAULT;
UPDATE pull_requests AS p SET labels = NULL
WHERE NOT EXISTS (
  SELECT 1 FROM sync_state s WHERE s.repo_key = lower(p.repo) AND s.fields->>'labels' = 'true'
);
`,
  },
];

/**
 * Key of the transaction-scoped advisory lock that serialises migrations:
 * two replicas starting together on one PostgreSQL database apply each
 * migration once (the second waits, then finds nothing left to do).
 */
export const MIGRATION_LOCK_KEY = 7_349_112_001;

/** Class (first key) of the advisory locks that serialise content grants per budget key. */
export const CONTENT_GRANT_LOCK_CLASS = 7_349;

export const SQL_MIGRATION = {
  lock: "SELECT pg_advisory_xact_lock($1::bigint)",
  createTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`,
  applied: "SELECT version FROM schema_migrations ORDER BY version",
  record: "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
} as const;

const ISO_UTC = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Filters shared by both list queries: $1 repos (lowercased text[]), $2 owner (lowercased), $3 since, $4 logins (lowercased text[]). */
const filters = (dateColumn: string, loginColumn: string) => `
WHERE ($1::text[] IS NULL OR lower(repo) = ANY($1::text[]))
  AND ($2::text IS NULL OR lower(split_part(repo, '/', 1)) = $2::text)
  AND ($3::timestamptz IS NULL OR ${dateColumn} >= $3::timestamptz)
  AND ($4::text[] IS NULL OR lower(${loginColumn}) = ANY($4::text[]))`;

export const SQL = {
  /** $1 id. Returns one row only for the first claim. */
  claimDelivery: "INSERT INTO deliveries (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id",
  /** $1 cutoff. */
  pruneDeliveries: "DELETE FROM deliveries WHERE received_at < $1::timestamptz",

  /** $1 jsonb array of PR records, $2 labels carried, $3 paths carried. */
  upsertPullRequests: `
INSERT INTO pull_requests AS p (repo, number, author, merged_at, additions, deletions, labels, paths, url)
SELECT x.repo, x.number, x.author, x.merged_at, x.additions, x.deletions,
       x.labels, x.paths, x.url
FROM jsonb_to_recordset($1::jsonb) AS x(repo text, number integer, author text, merged_at timestamptz,
       additions integer, deletions integer, labels jsonb, paths jsonb, url text)
ON CONFLICT (repo, number) DO UPDATE SET
  author = excluded.author,
  merged_at = excluded.merged_at,
  additions = excluded.additions,
  deletions = excluded.deletions,
  labels = CASE WHEN $2::boolean THEN COALESCE(excluded.labels, p.labels) ELSE p.labels END,
  paths = CASE WHEN $3::boolean THEN COALESCE(excluded.paths, p.paths) ELSE p.paths END,
  url = excluded.url`,

  /** $1 jsonb array of review records. */
  upsertReviews: `
INSERT INTO reviews AS r (id, repo, pr_number, pr_author, reviewer, state, submitted_at, url)
SELECT x.id, x.repo, x.pr_number, x.pr_author, x.reviewer, x.state, x.submitted_at, x.url
FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, repo text, pr_number integer, pr_author text,
       reviewer text, state text, submitted_at timestamptz, url text)
ON CONFLICT (id) DO UPDATE SET
  repo = excluded.repo,
  pr_number = excluded.pr_number,
  pr_author = excluded.pr_author,
  reviewer = excluded.reviewer,
  state = excluded.state,
  submitted_at = excluded.submitted_at,
  url = excluded.url`,

  /** $1 repo, $2 number. */
  deletePullRequest: "DELETE FROM pull_requests WHERE lower(repo) = lower($1) AND number = $2",

  /**
   * One row holding every match as a JSON array (text) in the record's own
   * shape: PGlite decodes rows in JavaScript one by one, which made a
   * row-per-PR listing of 100,000 contributions about 3x slower than parsing
   * a single JSON document (bench/store.ts).
   */
  listPullRequests: `
SELECT COALESCE(json_agg(json_build_object(
  'repo', repo, 'number', number, 'author', author, 'mergedAt', ${ISO_UTC("merged_at")},
  'additions', additions, 'deletions', deletions, 'labels', labels, 'paths', paths, 'url', url
) ORDER BY merged_at, repo, number), '[]'::json)::text AS records
FROM pull_requests${filters("merged_at", "author")}`,

  /** As listPullRequests. */
  listReviews: `
SELECT COALESCE(json_agg(json_build_object(
  'id', id, 'repo', repo, 'prNumber', pr_number, 'prAuthor', pr_author, 'reviewer', reviewer,
  'state', state, 'submittedAt', ${ISO_UTC("submitted_at")}, 'url', url
) ORDER BY submitted_at, id), '[]'::json)::text AS records
FROM reviews${filters("submitted_at", "reviewer")}`,

  /** $1 repo. */
  getSyncState: `
SELECT repo, backfilled, ${ISO_UTC("updated_through")} AS updated_through, ${ISO_UTC("last_sync_at")} AS last_sync_at, fields
FROM sync_state WHERE repo_key = lower($1)`,
  /** $1 repo, $2 backfilled, $3 updated_through, $4 last_sync_at, $5 fields (jsonb text). */
  setSyncState: `
INSERT INTO sync_state (repo_key, repo, backfilled, updated_through, last_sync_at, fields)
VALUES (lower($1), $1, $2, $3::timestamptz, $4::timestamptz, $5::jsonb)
ON CONFLICT (repo_key) DO UPDATE SET
  repo = excluded.repo,
  backfilled = excluded.backfilled,
  updated_through = excluded.updated_through,
  last_sync_at = excluded.last_sync_at,
  fields = excluded.fields`,

  /** $1 key. */
  getValue: "SELECT value FROM kv WHERE key = $1",
  /** $1 key, $2 value (jsonb text). */
  setValue: `
INSERT INTO kv (key, value) VALUES ($1, $2::jsonb)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,

  /**
   * $1 key, $2 holder, $3 ttl in ms. Takes the lease when it is free, expired
   * or already ours (renewal); one row update under the row lock, so exactly
   * one of several concurrent callers wins. The database's clock decides
   * expiry, so replicas with skewed clocks agree.
   */
  acquireLease: `
INSERT INTO kv (key, value)
VALUES ($1, jsonb_build_object('holder', $2::text, 'until', to_char((now() + ($3::text || ' milliseconds')::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
WHERE (kv.value->>'until')::timestamptz < now() OR kv.value->>'holder' = $2
RETURNING key`,
  /** Frees every lease (the embedded store at open: its one process is new). */
  releaseAllLeases: "DELETE FROM kv WHERE key LIKE 'lease:%'",
  /** $1 key, $2 holder: frees the lease only if this holder has it. */
  releaseLease: "DELETE FROM kv WHERE key = $1 AND value->>'holder' = $2",

  /**
   * $1 budget key: serialises grants of one key across every process sharing
   * the database, until the transaction ends (the two-key form, in a class of
   * its own so it cannot meet the migration lock).
   */
  contentGrantLock: `SELECT pg_advisory_xact_lock(${CONTENT_GRANT_LOCK_CLASS}, hashtext($1))`,
  /** $1 key, $2 longest window in ms: forgets grants no window can see any more. */
  contentGrantPrune: "DELETE FROM content_grants WHERE key = $1 AND granted_at <= clock_timestamp() - ($2::text || ' milliseconds')::interval",
  /**
   * $1 key, $2 the windows as a JSON array of {max, window_ms}. Milliseconds
   * until every window has room (0: now): a window holding `max` grants frees
   * a slot when its max-th newest grant leaves it. The database's clock, so
   * replicas with skewed clocks agree.
   */
  contentGrantWait: `
WITH t AS (SELECT clock_timestamp() AS now)
SELECT COALESCE(MAX(GREATEST(0, CEIL(EXTRACT(EPOCH FROM (g.nth + (l.window_ms::text || ' milliseconds')::interval - t.now)) * 1000))), 0)::bigint AS wait_ms
FROM t, jsonb_to_recordset($2::jsonb) AS l(max integer, window_ms bigint),
LATERAL (
  SELECT granted_at AS nth FROM content_grants
  WHERE key = $1 AND granted_at > t.now - (l.window_ms::text || ' milliseconds')::interval
  ORDER BY granted_at DESC OFFSET GREATEST(l.max, 1) - 1 LIMIT 1
) g`,
  /** $1 key. */
  contentGrantInsert: "INSERT INTO content_grants (key, granted_at) VALUES ($1, clock_timestamp())",
} as const;

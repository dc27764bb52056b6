/**
 * app.yml asks for exactly the permissions and events the code uses: the
 * permissions are derived from every REST route written in src/ and from the
 * events the app subscribes to, so a permission nobody uses, or a route that
 * needs one app.yml lacks, fails here.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

type Level = "read" | "write";

/** Route prefix (after /repos/{owner}/{repo} where present) -> permission; null: needs none beyond metadata. */
const ROUTE_PERMISSIONS: Array<[RegExp, string | null]> = [
  [/^\/app(\/|$)/, null],
  [/^\/installation\/repositories$/, null],
  [/^\/repos\/\{owner\}\/\{repo\}$/, null],
  [/^\/repos\/\{owner\}\/\{repo\}\/check-runs/, "checks"],
  // Listing collaborators (the admins the access floor protects) needs only metadata.
  [/^\/repos\/\{owner\}\/\{repo\}\/collaborators$/, null],
  [/^\/repos\/\{owner\}\/\{repo\}\/codeowners\//, "contents"],
  [/^\/repos\/\{owner\}\/\{repo\}\/(contents|git)\//, "contents"],
  [/^\/repos\/\{owner\}\/\{repo\}\/issues/, "issues"],
  [/^\/repos\/\{owner\}\/\{repo\}\/pulls/, "pull_requests"],
  [/^\/repos\/\{owner\}\/\{repo\}\/(branches\/[^/]+\/protection|rulesets)/, "administration"],
  // The teams with access and their permission there (onboarding's authority holders). Mapped
  // to administration, which the app holds anyway; GitHub's page for the route was not checked.
  [/^\/repos\/\{owner\}\/\{repo\}\/teams$/, "administration"],
  [/^\/orgs\/\{org\}\/(teams|members|memberships)/, "members"],
  // Whether an owner is an organisation (teams exist) or a personal account: public, no permission.
  [/^\/users\/\{username\}$/, null],
  // GitHub Enterprise Server or github.com (src/github/server-kind.ts): public, no permission.
  [/^\/meta$/, null],
];

/** What receiving each event needs (GitHub's docs for each webhook). */
const EVENT_PERMISSIONS: Record<string, [string, Level] | null> = {
  installation: null,
  installation_repositories: null,
  issue_comment: ["issues", "read"],
  issues: ["issues", "read"],
  pull_request: ["pull_requests", "read"],
  pull_request_review: ["pull_requests", "read"],
  push: ["contents", "read"],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const manifest = parse(readFileSync("app.yml", "utf8")) as { default_events: string[]; default_permissions: Record<string, Level> };
const code = sources("src").map((f) => readFileSync(f, "utf8")).join("\n");
const routes = [...new Set([...code.matchAll(/"(GET|POST|PATCH|PUT|DELETE) (\/[^"\s]*)"/g)].map((m) => `${m[1]} ${m[2]}`))];
const events = [...new Set([...readFileSync("src/handlers/routes.ts", "utf8").matchAll(/"([a-z_]+)(?:\.[a-z_]+)?"/g)].map((m) => m[1]!).filter((e) => e in EVENT_PERMISSIONS))];

describe("app.yml", () => {
  it("subscribes to exactly the events the app handles (installation is always sent)", () => {
    expect([...manifest.default_events].sort()).toEqual(events.filter((e) => e !== "installation").sort());
  });

  it("asks for exactly the permissions the code's routes and events need", () => {
    const needed: Record<string, Level> = { metadata: "read" };
    const need = (permission: string, level: Level) => {
      if (needed[permission] !== "write") needed[permission] = level;
    };
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const rule = ROUTE_PERMISSIONS.find(([re]) => re.test(path));
      if (!rule) throw new Error(`no permission mapping for ${route}: add it to ROUTE_PERMISSIONS`);
      if (rule[1]) need(rule[1], method === "GET" ? "read" : "write");
    }
    for (const event of events) {
      const p = EVENT_PERMISSIONS[event];
      if (p) need(...p);
    }
    // History is read with GraphQL (pull requests with their reviews and labels).
    if (/pullRequests\(/.test(code)) need("pull_requests", "read");
    expect(routes.length).toBeGreaterThan(5);
    expect(manifest.default_permissions).toEqual(needed);
  });

  it("says why for every permission and event", () => {
    const text = readFileSync("app.yml", "utf8");
    for (const key of [...Object.keys(manifest.default_permissions), ...manifest.default_events]) {
      expect(text).toMatch(new RegExp(`^\\s*(- )?${key}(: \\w+)?\\s+# \\S`, "m"));
    }
  });
});

/**
 * Which GitHub the app talks to — github.com (or a github.com-compatible
 * proxy) or GitHub Enterprise Server — learnt from what the server says:
 * GHES names its release in an `x-github-enterprise-version` header on every
 * answer, errors included; github.com never sends it. GHE_HOST is only the
 * hint: without it the app talks to api.github.com, which is never GHES, and
 * nothing is asked; with it the answers decide (GHE_HOST may point at a proxy
 * in front of github.com).
 *
 * Where the two differ and the app depends on it (README, "GitHub Enterprise
 * Server"): GHES has no organisation invitations — a team membership PUT
 * adds the person at once and `GET /orgs/{org}/teams/{team_slug}/invitations`
 * does not exist there — so the access reader (access-reader.ts) asks this
 * before reading invitations.
 *
 * One probe per process (the server builds it in runtime/server-runtime.ts):
 * a process talks to one GitHub, whose kind does not change under it.
 */
import type { ProbotOctokit } from "probot";
import type { ReadClient } from "./contents.js";
import type { AppOctokitClass } from "./octokit-options.js";

export type ServerKind = { kind: "ghes"; version: string } | { kind: "github.com" };

export const GITHUB_COM: ServerKind = { kind: "github.com" };

const HEADER = "x-github-enterprise-version";

type Headers = Record<string, string | number | undefined> | undefined;

export class ServerKindProbe {
  private seen: ServerKind | undefined;
  private probing: Promise<ServerKind> | undefined;

  /** @param enterpriseHost whether GHE_HOST is set (runtime/settings.ts `usesEnterpriseHost`); false: api.github.com, github.com without asking. */
  constructor(private readonly enterpriseHost: boolean) {}

  /**
   * Records what one answer says: the header means GHES (its value the
   * release); a success without it means github.com. An error without it
   * says nothing (a proxy or load balancer may have answered). Called for
   * every answer by `serverKindPlugin`; never throws.
   */
  observe(status: number, headers: Headers): void {
    if (!this.enterpriseHost || !headers) return;
    const version = headers[HEADER];
    if (version !== undefined && String(version).trim()) this.seen = { kind: "ghes", version: String(version).trim() };
    else if (status >= 200 && status < 300) this.seen = GITHUB_COM;
  }

  /** What is known without a request: always without GHE_HOST, after the first telling answer with it. */
  known(): ServerKind | undefined {
    return this.enterpriseHost ? this.seen : GITHUB_COM;
  }

  /**
   * The kind of server: `known()`, else one `GET /meta` through `client`
   * (read by the plugin when the client has it, and from the answer's own
   * header or its `installed_version` otherwise), shared by concurrent
   * callers. Rejects with the client's error when that read fails; the next
   * call asks again.
   */
  async kind(client: ReadClient): Promise<ServerKind> {
    const known = this.known();
    if (known) return known;
    this.probing ??= client
      .request("GET /meta", {})
      .then((res) => {
        const answer = res as { status: number; headers?: Headers; data: unknown };
        this.observe(answer.status, answer.headers);
        const installed = (answer.data as { installed_version?: unknown } | null)?.installed_version;
        if (this.seen?.kind !== "ghes" && typeof installed === "string" && installed) this.seen = { kind: "ghes", version: installed };
        return this.seen ?? GITHUB_COM;
      })
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }
}

/**
 * An octokit plugin that shows the probe every answer (successes and
 * errors, REST and GraphQL). Kept out of octokit-options.ts: it adds to any
 * octokit class (see `withServerKind`).
 */
export function serverKindPlugin(probe: ServerKindProbe): Parameters<typeof ProbotOctokit.plugin>[0] {
  return (octokit) => {
    octokit.hook.after("request", (response) => {
      probe.observe(response.status, response.headers as Headers);
    });
    octokit.hook.error("request", (error) => {
      const e = error as { response?: { status?: unknown; headers?: Headers } };
      if (e.response) probe.observe(typeof e.response.status === "number" ? e.response.status : 0, e.response.headers);
      throw error;
    });
    return {};
  };
}

/** `Octokit` (the app's class, octokit-options.ts `appOctokit`) with every answer shown to `probe`. */
export function withServerKind(Octokit: AppOctokitClass, probe: ServerKindProbe): AppOctokitClass {
  return Octokit.plugin(serverKindPlugin(probe)) as AppOctokitClass;
}

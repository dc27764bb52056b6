/**
 * Every resource a handler touches must belong to the installation of the
 * verified payload. GitHub only sends consistent payloads, but a leaked
 * webhook secret, a replayed delivery or a proxy bug could pair one
 * installation's id with another account's repository — and the ledger is
 * written straight from payloads, with no API request that GitHub could
 * refuse. So before any handler runs, the owners a payload names (repository
 * owner, organisation, added repositories) are compared with the account the
 * installation is installed on; a mismatch is refused with a log line and no
 * request touching the named resources.
 */
import type { Context } from "probot";
import type { InstallationAccount, InstallationAccounts } from "../github/installation-accounts.js";
import type { DeliveryScope } from "../runtime/delivery-scope.js";
import type { DeliveryOutcome } from "../runtime/metrics.js";
import type { Services } from "../runtime/services.js";

interface ScopedPayload {
  installation?: { id?: number; account?: { id?: number; login?: string } | null };
  repository?: { full_name?: string; owner?: { login?: string } };
  organization?: { login?: string };
  repositories_added?: Array<{ full_name?: string }>;
  repositories?: Array<{ full_name?: string }>;
}

/** The account logins a payload names as owners of what it is about, lower-cased, without duplicates. */
export function ownersNamed(payload: unknown): string[] {
  const p = payload as ScopedPayload;
  const owners = [p.repository?.owner?.login, p.repository?.full_name?.split("/")[0], p.organization?.login];
  for (const r of [...(p.repositories_added ?? []), ...(p.repositories ?? [])]) owners.push(r.full_name?.split("/")[0]);
  return [...new Set(owners.filter((o): o is string => typeof o === "string" && o.length > 0).map((o) => o.toLowerCase()))];
}

/** Owners in `owners` that are not `account`; empty when all belong to it. */
function foreign(owners: readonly string[], account: InstallationAccount): string[] {
  return owners.filter((o) => o !== account.login.toLowerCase());
}

/**
 * Null when the delivery may be handled, else the reason it is refused.
 * Rejects only when GitHub could not be asked (the guard logs it as a failure).
 */
export async function refusalReason(ctx: Context, accounts: InstallationAccounts): Promise<string | null> {
  const payload = ctx.payload as ScopedPayload;
  const installationId = payload.installation?.id;
  const owners = ownersNamed(payload);
  if (installationId === undefined) return owners.length ? "the payload names repositories but no installation" : null;
  const told = payload.installation?.account;
  if (told?.login && typeof told.id === "number") accounts.remember(installationId, { id: told.id, login: told.login });
  if (!owners.length) return null;

  const lookup = async (id: number): Promise<InstallationAccount | null> => {
    try {
      // Authenticated with the app's JWT (octokit's app auth picks it for /app routes), not with a token for the named repository.
      const res = await ctx.octokit.request("GET /app/installations/{installation_id}", { installation_id: id });
      const account = res.data.account as { id?: number; login?: string } | null;
      return account?.login && typeof account.id === "number" ? { id: account.id, login: account.login } : null;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  };
  const account = await accounts.accountOf(installationId, lookup);
  if (!account) return `installation ${installationId} is unknown to GitHub`;
  const others = foreign(owners, account);
  return others.length ? `installation ${installationId} belongs to ${account.login}, but the payload names ${others.join(", ")}` : null;
}

/** Counts one handler run of a delivery in the metrics. */
export function countDelivery(services: Pick<Services, "metrics">, ctx: Context, outcome: DeliveryOutcome): void {
  services.metrics.deliveries.inc({ event: ctx.name, outcome });
}

/**
 * True when the delivery may be handled; otherwise logs why it is refused,
 * counts it, and returns false. Rejects when GitHub could not be asked.
 */
export async function deliveryInScope(services: Pick<Services, "metrics" | "installationAccounts">, ctx: Context): Promise<boolean> {
  const reason = await refusalReason(ctx, services.installationAccounts);
  if (reason === null) return true;
  ctx.log.warn({ event: ctx.name, reason }, "delivery refused: it names resources outside its installation");
  countDelivery(services, ctx, "refused");
  return false;
}

/** The delivery id and installation of a webhook, for `withDeliveryScope`. */
export function deliveryScopeOf(ctx: Context): DeliveryScope {
  const installation = (ctx.payload as ScopedPayload).installation?.id;
  return installation !== undefined ? { id: ctx.id, installation } : { id: ctx.id };
}

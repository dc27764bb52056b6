/**
 * Which account (user or organisation) each installation is installed on,
 * so that a delivery naming resources of another account can be refused
 * (handlers/installation-scope.ts). Learned from `installation` payloads and
 * otherwise asked of GitHub with the app's JWT; kept per process for `ttlMs`
 * (default 10 minutes), so that a renamed account is picked up soon without
 * asking GitHub again on every mismatch.
 */

export interface InstallationAccount {
  id: number;
  login: string;
}

/** Asks GitHub for an installation's account: null when GitHub does not know the installation (404). Other errors reject. */
export type InstallationLookup = (installationId: number) => Promise<InstallationAccount | null>;

export interface InstallationAccounts {
  /**
   * The account of `installationId`: from the cache while fresh, else from
   * `lookup` (then cached). Null when GitHub does not know the installation
   * (not cached, so a new installation is found at once); lookup errors reject.
   */
  accountOf(installationId: number, lookup: InstallationLookup): Promise<InstallationAccount | null>;
  /** Records what an `installation` payload says, so no lookup is needed. */
  remember(installationId: number, account: InstallationAccount): void;
}

export class InstallationAccountCache implements InstallationAccounts {
  private readonly known = new Map<number, { account: InstallationAccount; at: number }>();
  /** Lookups under way: the handlers of one delivery (e.g. two routes of `pull_request.closed`) ask once. */
  private readonly asking = new Map<number, Promise<InstallationAccount | null>>();

  constructor(
    private readonly ttlMs = 600_000,
    private readonly now: () => number = Date.now,
  ) {}

  async accountOf(installationId: number, lookup: InstallationLookup): Promise<InstallationAccount | null> {
    const cached = this.known.get(installationId);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.account;
    const underway = this.asking.get(installationId);
    if (underway) return underway;
    const asked = lookup(installationId)
      .then((account) => {
        if (account) this.remember(installationId, account);
        else this.known.delete(installationId);
        return account;
      })
      .finally(() => this.asking.delete(installationId));
    this.asking.set(installationId, asked);
    return asked;
  }

  remember(installationId: number, account: InstallationAccount): void {
    this.known.set(installationId, { account, at: this.now() });
  }
}

/**
 * Whether a repository's owner is an organisation (teams exist) or a
 * personal account. An account rarely changes kind, so the answer is kept in
 * the store: a payload or a repository listing that says it is remembered,
 * and one `GET /users/{owner}` answers only what nothing has said yet.
 */
import type { LedgerStore } from "../store/store.js";
import type { ReadClient } from "./contents.js";

export type OwnerType = "Organization" | "User";

type Values = Pick<LedgerStore, "getValue" | "setValue">;

const ownerTypeKey = (owner: string) => `owner-type:${owner.toLowerCase()}`;

/** An account type as a payload or a repository listing gives it; undefined when it says neither (then looked up). */
export function ownerTypeFrom(type: string | undefined): OwnerType | undefined {
  return type === "Organization" || type === "User" ? type : undefined;
}

/**
 * The kind of `owner`: from the store once known, else one
 * `GET /users/{owner}` (then remembered). Rejects when that request fails;
 * anything but "Organization" is taken as a personal account.
 */
export async function ownerTypeOf(deps: { values: Values; client: ReadClient }, owner: string): Promise<OwnerType> {
  const key = ownerTypeKey(owner);
  const known = await deps.values.getValue<OwnerType>(key);
  if (known) return known;
  const res = await deps.client.request("GET /users/{username}", { username: owner });
  const type: OwnerType = (res.data as { type?: string }).type === "Organization" ? "Organization" : "User";
  await deps.values.setValue(key, type);
  return type;
}

/** Remembers what a payload or the sweep said about `owner`, so a later sync need not ask; writes only a change. */
export async function rememberOwnerType(values: Values, owner: string, type: OwnerType): Promise<void> {
  const key = ownerTypeKey(owner);
  if ((await values.getValue<OwnerType>(key)) !== type) await values.setValue(key, type);
}

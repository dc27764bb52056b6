/**
 * Hidden machine-readable markers (STYLE habit 3, like Prow's hidden footer):
 * every issue or comment the app writes carries `<!-- stewards:{…} -->` with
 * its kind and key, so a handler can find its own earlier output and update
 * it instead of writing a second one.
 *
 * The payload is JSON with sorted keys (the same key always renders the same
 * text, so "would the body change?" is a string comparison). Inside strings,
 * `-`, `<`, `>` and `@` are written as \u escapes, so no value can close the HTML
 * comment early (`-->`), open another, be confused with markdown or read as a
 * mention by anything that scans the raw text; JSON.parse
 * reads them back unchanged.
 *
 * Markers are only trustworthy in bodies the app wrote: anyone can type one
 * into their own comment, so callers look for markers in the app's own
 * comments. User text the app renders goes through escape.ts, which turns
 * `<` into `&lt;`, so it cannot forge a marker inside the app's body either.
 */

export type MarkerKey = Record<string, string | number>;

const PREFIX = "<!-- stewards:";
const SUFFIX = " -->";
const MARKER = /<!-- stewards:(\{[^\n]*?\}) -->/g;

/** Kinds are short identifiers with single dashes, so they need no escaping and read well in the raw body. */
const KIND = /^(?=.{1,64}$)[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[-<>@]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The marker for `kind` and `key`, one line, e.g.
 * `<!-- stewards:{"kind":"ladder-reply","login":"alice"} -->`.
 * Throws on a kind that is not a short lower-case identifier, a key named
 * `kind`, or a number that is not finite: those are programming errors.
 */
export function renderMarker(kind: string, key: MarkerKey): string {
  if (!KIND.test(kind)) throw new Error(`marker kind ${JSON.stringify(kind)} is not a lower-case identifier`);
  const fields = Object.keys(key)
    .sort()
    .map((name) => {
      if (name === "kind") throw new Error("a marker key may not have a field named kind");
      const value = key[name];
      if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`marker field ${name} is not a finite number`);
      return `${jsonString(name)}:${typeof value === "number" ? JSON.stringify(value) : jsonString(String(value))}`;
    });
  return `${PREFIX}{${[`"kind":${JSON.stringify(kind)}`, ...fields].join(",")}}${SUFFIX}`;
}

/**
 * The key of the first marker of `kind` in `body`, or null when there is
 * none. Markers that do not parse, or whose values are not strings or
 * numbers, are skipped rather than trusted. Tolerates `\r\n` bodies (GitHub
 * returns them for text edited in the browser).
 */
export function findMarker(body: string, kind: string): MarkerKey | null {
  return findMarkers(body).find((m) => m.kind === kind)?.key ?? null;
}

/** Every well-formed marker in `body`, in order. */
export function findMarkers(body: string): { kind: string; key: MarkerKey }[] {
  const out: { kind: string; key: MarkerKey }[] = [];
  for (const match of body.matchAll(MARKER)) {
    const parsed = parseMarkerJson(match[1] ?? "");
    if (parsed) out.push(parsed);
  }
  return out;
}

/** `body` without its markers (and the blank lines they leave at its end), for comparing visible text. */
export function stripMarkers(body: string): string {
  return body.replace(MARKER, "").replace(/\s+$/, "");
}

function parseMarkerJson(json: string): { kind: string; key: MarkerKey } | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { kind, ...rest } = value as Record<string, unknown>;
  if (typeof kind !== "string") return null;
  const key: MarkerKey = {};
  for (const [name, v] of Object.entries(rest)) {
    if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) key[name] = v;
    else return null;
  }
  return { kind, key };
}

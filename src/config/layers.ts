/**
 * A governance file is made of layers, lowest first: a preset's expansion,
 * the organisation defaults it extends, then the repository's own file.
 *
 * Merge rule (one rule for `_extends` and for presets): mappings merge key by
 * key, the higher layer winning; lists and single values are REPLACED whole.
 * Lists are not concatenated (Probot's `context.config` concatenates them by
 * default, which would append the repository's ladder to the organisation's
 * and make two `member` rungs).
 *
 * Because we know which layer supplied each value, a problem found in the
 * merged result can be reported at the line of the file that wrote it.
 */
import type { PathSegment } from "./problems.js";
import type { Position } from "./yaml-file.js";

export interface Layer {
  /** The mapping this layer contributes. */
  data: Record<string, unknown>;
  /** File name used in problems; undefined for layers that are not written anywhere. */
  file?: string;
  /** Where `path` (or its deepest existing prefix) is written in `file`; see YamlFile.locate. */
  locate(path: readonly PathSegment[]): (Position & { depth: number }) | null;
}

export interface Located {
  file?: string;
  line: number;
  column: number;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** `override` over `base` by the merge rule above. Neither input is modified. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return clone(base);
  if (!isPlainObject(base) || !isPlainObject(override)) return clone(override);
  const out: Record<string, unknown> = clone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(out[k], v);
  return out;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

/** Layers given lowest first. */
export function mergeLayers(layers: readonly Layer[]): Record<string, unknown> {
  return layers.reduce<Record<string, unknown>>((acc, l) => deepMerge(acc, l.data) as Record<string, unknown>, {});
}

function has(data: unknown, path: readonly PathSegment[]): boolean {
  let cur: unknown = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
    else if (isPlainObject(cur) && typeof seg === "string" && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return false;
    if (cur === undefined) return false;
  }
  return true;
}

function get(data: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
    else if (isPlainObject(cur) && typeof seg === "string") cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/**
 * The file and line that supplied the value at `path` of the merged data:
 * the highest layer that has it, following the merge rule (once a list or a
 * value is reached, only the layer that supplied it is looked at). When the
 * full path is written nowhere (a default, or a missing required key), the
 * deepest written ancestor. Null when nothing along the path is written.
 */
export function locateInLayers(layers: readonly Layer[], path: readonly PathSegment[]): Located | null {
  let candidates = [...layers].reverse();
  let best: { layer: Layer; depth: number } | null = null;
  for (let depth = 1; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth);
    const holders = candidates.filter((l) => has(l.data, prefix));
    const top = holders[0];
    if (!top) break;
    best = { layer: top, depth };
    candidates = isPlainObject(get(top.data, prefix)) ? holders : [top];
  }
  if (!best) return null;
  const pos = best.layer.locate(path.slice(0, best.depth));
  if (!pos) return null;
  return { ...(best.layer.file !== undefined ? { file: best.layer.file } : {}), line: pos.line, column: pos.column };
}

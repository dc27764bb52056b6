/**
 * The one shape every benchmark module returns (bench/run.ts prints them),
 * and the line format they are printed in.
 */

/** One measured figure. */
export interface Figure {
  /** What was measured, in words: "webhook cost: API reads per merged-PR webhook". */
  name: string;
  value: number;
  unit: string;
  /** The goal it is held against, as text ("< 1000", "0", "≤ 1.1"); absent for context figures. */
  target?: string;
}

/** `name: value unit (target …)`, the line bench/run.ts prints. */
export function formatFigure(f: Figure): string {
  return `${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ""}`;
}

/** Rounds to `digits` decimals, for figures meant to be read by people. */
export function round(n: number, digits = 1): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

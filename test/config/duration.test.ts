import { describeDuration, DurationError, formatDuration, parseDuration, tryParseDuration } from "../../src/config/duration.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30 * S],
    ["15m", 15 * M],
    ["12h", 12 * H],
    ["1.5h", 90 * M],
    ["365d", 365 * D],
    ["2w", 14 * D],
    [" 7d ", 7 * D],
    ["0d", 0],
  ])("%j -> %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "d", "30", "30 d", "30D", "-1d", "1y", "3mo", "1e3d", "99999999999999999999w"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(DurationError);
    expect(tryParseDuration(text)).toBeNull();
  });

  it("says what it expected", () => {
    expect(() => parseDuration("3 days")).toThrow('"3 days" is not a duration such as 30d, 12h, 15m or 2w');
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [1500, "1500ms"],
    [30 * S, "30s"],
    [90 * M, "90m"],
    [36 * H, "36h"],
    [90 * D, "90d"],
    [14 * D, "2w"],
    [365 * D, "365d"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it("refuses negative and non-finite values", () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(Infinity)).toThrow(RangeError);
  });
});

describe("describeDuration", () => {
  it.each([
    [D, "1 day"],
    [14 * D, "14 days"],
    [180 * D, "180 days"],
    [36 * H, "36 hours"],
    [S, "1 second"],
  ])("%d ms -> %s", (ms, words) => {
    expect(describeDuration(ms)).toBe(words);
  });
});

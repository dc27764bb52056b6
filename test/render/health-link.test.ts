/** The /ladder reply's link to the health page, and the setting it comes from. */
import { measureOne } from "../../src/ladder/measure.js";
import { healthPageUrl } from "../../src/render/health-page.js";
import { renderStandingMarkdown } from "../../src/render/standing.js";
import { readSettings } from "../../src/runtime/settings.js";
import { EMPTY_ROSTER, NOW, prs, smallLadder } from "../ladder/builders.js";

describe("the health page link", () => {
  it.each([
    ["https://stewards.example.org", false, "https://stewards.example.org/stewards/acme/widgets"],
    ["https://stewards.example.org/", false, "https://stewards.example.org/stewards/acme/widgets"],
    ["https://stewards.example.org", true, undefined],
    ["https://stewards.example.org", undefined, undefined],
    [undefined, false, undefined],
  ])("under %s, private: %s -> %s", (publicUrl, isPrivate, expected) => {
    expect(healthPageUrl(publicUrl, { owner: "acme", repo: "widgets" }, isPrivate)).toBe(expected);
  });

  it("ends the /ladder reply when given, and only then", () => {
    const s = measureOne("ana", { pullRequests: prs("ana", 1), reviews: [] }, smallLadder(), EMPTY_ROSTER, NOW);
    const url = "https://stewards.example.org/stewards/acme/widgets";
    const withLink = renderStandingMarkdown(s, smallLadder(), { webUrl: "https://github.com", healthUrl: url });
    expect(withLink.split("\n").slice(-1)[0]).toBe(`The whole ladder, everyone's progress and the repository's governance health: [${url}](${url})`);
    expect(renderStandingMarkdown(s, smallLadder(), { webUrl: "https://github.com" })).not.toContain("governance health");
    // Never a link that is not a plain http(s) address.
    expect(renderStandingMarkdown(s, smallLadder(), { webUrl: "https://github.com", healthUrl: "javascript:alert(1)" })).not.toContain("javascript");
  });

  it("STEWARDS_PUBLIC_URL: absent by default, trailing slash dropped, anything but http(s) refused", () => {
    expect(readSettings({}).publicUrl).toBeUndefined();
    expect(readSettings({ STEWARDS_PUBLIC_URL: "https://stewards.example.org/" }).publicUrl).toBe("https://stewards.example.org");
    expect(() => readSettings({ STEWARDS_PUBLIC_URL: "stewards.example.org" })).toThrow(/STEWARDS_PUBLIC_URL/);
  });
});

import nock from "nock";
import { Probot, ProbotOctokit } from "probot";

describe("jest runs Probot 14 in ESM mode", () => {
  it("receives an event and makes a request through nock", async () => {
    nock.disableNetConnect();
    const probot = new Probot({
      githubToken: "test",
      Octokit: ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } }),
    });
    const seen: string[] = [];
    probot.load((app) => {
      app.on("issues.opened", async (ctx) => {
        const r = await ctx.octokit.request("GET /repos/{owner}/{repo}", ctx.repo());
        seen.push((r.data as { full_name: string }).full_name);
      });
    });
    const scope = nock("https://api.github.com").get("/repos/o/r").reply(200, { full_name: "o/r" });
    await probot.receive({
      id: "1",
      name: "issues",
      payload: { action: "opened", repository: { name: "r", owner: { login: "o" } }, issue: {} } as never,
    });
    expect(seen).toEqual(["o/r"]);
    expect(scope.isDone()).toBe(true);
  });
});

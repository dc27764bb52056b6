import { executeActions, type WriteClient } from "../../src/github/execute-actions.js";
import type { Action } from "../../src/plan/actions.js";
import { renderMarker } from "../../src/render/markers.js";
import { silent } from "../support/silent-logger.js";

const repo = { owner: "acme", repo: "widgets" };
const marker = renderMarker("command-reply", { comment: 77, n: 0 });

/** A client holding the issue's comments; records every request. */
function client(comments: Array<{ id: number; body: string; type: "Bot" | "User" }>) {
  const requests: string[] = [];
  const c: WriteClient = {
    async request(route, params) {
      requests.push(`${route} page=${String(params.page ?? "")}`);
      if (route.startsWith("GET")) {
        const page = Number(params.page ?? 1);
        const slice = comments.slice((page - 1) * 100, page * 100);
        return { status: 200, data: slice.map((x) => ({ id: x.id, html_url: `https://x/${x.id}`, body: x.body, user: { type: x.type } })) };
      }
      return { status: 201, data: { id: 999, html_url: "https://x/999" } };
    },
  };
  return { c, requests };
}

const reply: Action = { kind: "comment.create", repo, issueNumber: 5, body: `Help text\n\n${marker}` };

describe("executeActions with lookBeforeCreate (a retried job)", () => {
  it("returns the earlier bot comment carrying the same marker instead of writing again, looking past the first page", async () => {
    const others = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: "chatter", type: "User" as const }));
    const { c, requests } = client([...others, { id: 500, body: `Old help\n\n${marker}`, type: "Bot" }]);
    const [result] = await executeActions(c, [reply], { dryRun: false, log: silent, lookBeforeCreate: true });
    expect(result).toMatchObject({ reused: true, created: { id: 500 } });
    expect(requests.filter((r) => r.startsWith("POST"))).toEqual([]);
    expect(requests).toHaveLength(2);
  });

  it("writes when no bot comment carries the marker (a person quoting it does not count)", async () => {
    const { c, requests } = client([{ id: 1, body: `I typed ${marker}`, type: "User" }]);
    const [result] = await executeActions(c, [reply], { dryRun: false, log: silent, lookBeforeCreate: true });
    expect(result).toMatchObject({ created: { id: 999 } });
    expect(result!.reused).toBeUndefined();
    expect(requests.some((r) => r.startsWith("POST"))).toBe(true);
  });

  it("reads nothing on a first attempt, or for a body without markers", async () => {
    const first = client([]);
    await executeActions(first.c, [reply], { dryRun: false, log: silent });
    expect(first.requests.map((r) => r.split(" ")[0])).toEqual(["POST"]);
    const plain = client([]);
    await executeActions(plain.c, [{ ...reply, body: "no marker" }], { dryRun: false, log: silent, lookBeforeCreate: true });
    expect(plain.requests.map((r) => r.split(" ")[0])).toEqual(["POST"]);
  });
});

describe("executeActions: issue.create", () => {
  it("sends the labels in the create request itself: one POST, no separate label request", async () => {
    const sent: Array<{ route: string; params: Record<string, unknown> }> = [];
    const c: WriteClient = {
      async request(route, params) {
        sent.push({ route, params });
        return { status: 201, data: { id: 1, number: 42, html_url: "https://x/42" } };
      },
    };
    const [result] = await executeActions(c, [{ kind: "issue.create", repo, title: "Promote ana", body: "…", labels: ["stewards:promotion"] }], { dryRun: false, log: silent });
    expect(result).toMatchObject({ created: { number: 42 } });
    expect(sent.map((r) => r.route)).toEqual(["POST /repos/{owner}/{repo}/issues"]);
    expect(sent[0]!.params).toMatchObject({ title: "Promote ana", labels: ["stewards:promotion"] });
  });
});

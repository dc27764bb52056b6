import { parseCommands } from "../../src/commands/parse.js";
import type { MalformedCommand, UnknownCommand } from "../../src/commands/parse.js";
import { registry } from "../../src/commands/registry.js";
import type { Registry } from "../../src/commands/registry.js";
import { renderCommandTable, renderHelp, renderMalformedReply, renderUnavailableReply, renderUnknownReply } from "../../src/render/help.js";

function malformed(body: string): MalformedCommand {
  const [parsed] = parseCommands(body);
  if (parsed?.kind !== "malformed") throw new Error(`${body} did not parse as malformed`);
  return parsed;
}

function unknown(body: string): UnknownCommand {
  const [parsed] = parseCommands(body);
  if (parsed?.kind !== "unknown") throw new Error(`${body} did not parse as unknown`);
  return parsed;
}

/** The registry with one command not available (every command is, today; the replies for one that is not stay tested). */
function unavailable(name: string): Registry {
  return registry.map((c) => (c.name === name ? { ...c, available: false } : c));
}

describe("renderCommandTable", () => {
  it("lists the available commands", () => {
    expect(renderCommandTable(registry)).toMatchInlineSnapshot(`
"| command | who | what it does |
| --- | --- | --- |
| \`/ladder [@user]\` | anyone | Show where a person stands on every rung of the ladder: each requirement, the measured value and what is missing. |
| \`/appeal [D-n] <reason>\` | the person a decision is about (for a ladder or manual roster change, anyone who has contributed) | Contest a decision: opens an appeal decided by a rotating panel of people who did not make it. |
| \`/reject <reason>\` | approvers | Reject an open proposal; the reason goes into the decision log. |
| \`/withdraw\` | the candidate | Withdraw your own proposal. |
| \`/uphold\` | members of the appeal's panel | Vote to keep the appealed decision. |
| \`/overturn <reason>\` | members of the appeal's panel | Vote to overturn the appealed decision, with a reason. |
| \`/nominate @user <role> [reason]\` | approvers | Propose someone for a role the numbers have not picked up yet; the usual approval rules apply. |
| \`/step-down [role]\` | role holders | Give up a role at once: to the role below, or emeritus. Needs nobody's approval. |
| \`/stewards help\` | anyone | List the commands. |"
`);
  });

  it("lists a command once it becomes available, and never an unavailable one", () => {
    const all: Registry = registry.map((c) => ({ ...c, available: true }));
    const table = renderCommandTable(all);
    for (const c of registry) expect(table).toContain(c.summary.slice(0, 20));
    expect(table).toContain("| `/nominate @user <role> [reason]` | approvers |");
    const withoutAppeal: Registry = registry.map((c) => (c.name === "appeal" ? { ...c, available: false } : c));
    expect(renderCommandTable(withoutAppeal)).not.toContain("/appeal");
  });

  it("escapes what it puts in cells", () => {
    const odd: Registry = [{ ...registry[0]!, usage: "/x a|b", whoText: "a | b", summary: "@team <b>" }];
    expect(renderCommandTable(odd).split("\n")[2]).toBe("| `/x a\\|b` | a \\| b | @\u200Dteam &lt;b&gt; |");
  });
});

describe("renderHelp", () => {
  it("renders the /stewards help reply", () => {
    expect(renderHelp(registry)).toMatchInlineSnapshot(`
"### Stewards commands

| command | who | what it does |
| --- | --- | --- |
| \`/ladder [@user]\` | anyone | Show where a person stands on every rung of the ladder: each requirement, the measured value and what is missing. |
| \`/appeal [D-n] <reason>\` | the person a decision is about (for a ladder or manual roster change, anyone who has contributed) | Contest a decision: opens an appeal decided by a rotating panel of people who did not make it. |
| \`/reject <reason>\` | approvers | Reject an open proposal; the reason goes into the decision log. |
| \`/withdraw\` | the candidate | Withdraw your own proposal. |
| \`/uphold\` | members of the appeal's panel | Vote to keep the appealed decision. |
| \`/overturn <reason>\` | members of the appeal's panel | Vote to overturn the appealed decision, with a reason. |
| \`/nominate @user <role> [reason]\` | approvers | Propose someone for a role the numbers have not picked up yet; the usual approval rules apply. |
| \`/step-down [role]\` | role holders | Give up a role at once: to the role below, or emeritus. Needs nobody's approval. |
| \`/stewards help\` | anyone | List the commands. |

Examples:

- \`/ladder\`: where you stand
- \`/ladder @octocat\`: where octocat stands
- \`/appeal the review count misses my reviews on the docs repository\`: appeal the decision of this issue
- \`/appeal D-0042 I was active during that period\`: appeal decision D-0042 from anywhere in the repository
- \`/reject needs more review experience outside the parser\`: reject this proposal
- \`/withdraw\`: withdraw this proposal about you
- \`/uphold\`: vote to keep the decision
- \`/overturn the inactivity window ignored reviews\`: vote to overturn
- \`/nominate @octocat reviewer leads the docs rewrite\`: propose octocat as reviewer
- \`/step-down\`: step down from your current role
- \`/step-down maintainer\`: step down from maintainer
- \`/stewards help\`: this list

Write a command at the start of a line in a comment on an issue or pull request; commands inside code or quotes are ignored."
`);
  });
});

describe("renderMalformedReply", () => {
  it("says what was wrong, the usage and an example", () => {
    expect(renderMalformedReply(malformed("/ladder @al!ce"), registry)).toMatchInlineSnapshot(`
"I could not read \`/ladder @al!ce\`: “@‍al!ce” is not a GitHub username.

Usage: \`/ladder [@user]\`. Show where a person stands on every rung of the ladder: each requirement, the measured value and what is missing. Who may use it: anyone.
For example: \`/ladder @octocat\`

Write \`/stewards help\` to see the commands."
`);
  });

  it("says when the command is not available yet", () => {
    expect(renderMalformedReply(malformed("/appeal"), unavailable("appeal"))).toMatchInlineSnapshot(`
"I could not read \`/appeal\`: a reason is required.

\`/appeal\` is not available yet in this version of Stewards.

Usage: \`/appeal [D-n] <reason>\`. Contest a decision: opens an appeal decided by a rotating panel of people who did not make it. Who may use it: the person a decision is about (for a ladder or manual roster change, anyone who has contributed).
For example: \`/appeal D-0042 I was active during that period\`

Write \`/stewards help\` to see the commands."
`);
  });

  it("keeps the author's text from mentioning anyone or breaking out", () => {
    const reply = renderMalformedReply(malformed("/ladder @org/team <img src=x> `x`"), registry);
    expect(reply).toMatchInlineSnapshot(`
"I could not read \`\` /ladder @org/team <img src=x> \`x\` \`\`: “@‍org/team” is not a GitHub username.

Usage: \`/ladder [@user]\`. Show where a person stands on every rung of the ladder: each requirement, the measured value and what is missing. Who may use it: anyone.
For example: \`/ladder @octocat\`

Write \`/stewards help\` to see the commands."
`);
    expect(reply).toContain("“@\u200Dorg/team” is not a GitHub username.");
    // The line as written appears only inside a code span, where HTML and mentions are inert.
    expect(reply.split("\n")[0]).toMatch(/^I could not read `` \/ladder @org\/team <img src=x> `x` ``:/);
  });
});

describe("renderUnavailableReply", () => {
  it("says the command is not available yet", () => {
    const [parsed] = parseCommands("/withdraw");
    if (parsed?.kind !== "ok") throw new Error("expected ok");
    expect(renderUnavailableReply(parsed, registry)).toMatchInlineSnapshot(`
"\`/withdraw\` is not available yet in this version of Stewards.

Write \`/stewards help\` to see the commands."
`);
  });
});

describe("renderUnknownReply", () => {
  it("suggests the command probably meant", () => {
    expect(renderUnknownReply(unknown("/ladders @x"), registry)).toMatchInlineSnapshot(`
"I don't know the command \`/ladders\`. Did you mean \`/ladder\`?

Usage: \`/ladder [@user]\`. Show where a person stands on every rung of the ladder: each requirement, the measured value and what is missing. Who may use it: anyone.
For example: \`/ladder @octocat\`

Write \`/stewards help\` to see the commands."
`);
  });

  it("suggests /stewards help for a near miss of it", () => {
    expect(renderUnknownReply(unknown("/stewards hepl"), registry)).toMatchInlineSnapshot(`
"I don't know the command \`/stewards hepl\`. Did you mean \`/stewards help\`?

Usage: \`/stewards help\`. List the commands. Who may use it: anyone."
`);
  });

  it("says when the suggested command is not available yet", () => {
    expect(renderUnknownReply(unknown("/apeal x"), unavailable("appeal"))).toMatchInlineSnapshot(`
"I don't know the command \`/apeal\`. Did you mean \`/appeal\`?

\`/appeal\` is not available yet in this version of Stewards.

Usage: \`/appeal [D-n] <reason>\`. Contest a decision: opens an appeal decided by a rotating panel of people who did not make it. Who may use it: the person a decision is about (for a ladder or manual roster change, anyone who has contributed).
For example: \`/appeal D-0042 I was active during that period\`

Write \`/stewards help\` to see the commands."
`);
  });

  it("points to help when it has no suggestion", () => {
    expect(renderUnknownReply(unknown("/stewards fr`ob"), registry)).toMatchInlineSnapshot(`
"I don't know the command \`\`/stewards fr\`ob\`\`.

Write \`/stewards help\` to see the commands."
`);
  });
});

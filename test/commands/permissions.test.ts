/**
 * Who may run a command, from its declared audience (registry `who`) and the
 * facts of the moment — one table for every audience.
 */
import { describe, expect, it } from "@jest/globals";
import { mayRun, type CommandFacts, type Permission } from "../../src/commands/permissions.js";
import { commandSpec, type Audience } from "../../src/commands/registry.js";
import { renderRefusal } from "../../src/render/command-refusals.js";

const roster = {
  members: [
    { login: "Alice", role: "maintainer", since: "2024-01-01" },
    { login: "rob", role: "reviewer", since: "2024-01-01" },
  ],
};
const facts = (sender: string, more: Partial<CommandFacts> = {}): CommandFacts => ({ sender, candidate: null, roster, approverRoles: ["maintainer"], ...more });
const OK: Permission = { ok: true };

describe("mayRun", () => {
  it.each<[string, Audience, CommandFacts, Permission]>([
    ["anyone, holding nothing", "anyone", facts("zed"), OK],
    ["an approver, logins compared without case", "approvers", facts("alice", { candidate: "ben" }), OK],
    ["a holder of a role that does not approve", "approvers", facts("rob", { candidate: "ben" }), { ok: false, reason: { code: "not-approver" } }],
    ["the candidate, before their roles", "approvers", facts("ALICE", { candidate: "alice" }), { ok: false, reason: { code: "is-candidate" } }],
    ["the candidate who holds nothing", "approvers", facts("ben", { candidate: "ben" }), { ok: false, reason: { code: "is-candidate" } }],
    ["the candidate themselves", "candidate", facts("Ben", { candidate: "ben" }), OK],
    ["someone else than the candidate", "candidate", facts("alice", { candidate: "ben" }), { ok: false, reason: { code: "not-candidate", candidate: "ben" } }],
    ["anyone when there is no candidate", "candidate", facts("ben"), { ok: false, reason: { code: "not-candidate", candidate: null } }],
    ["a holder of any role", "role-holders", facts("ROB"), OK],
    ["someone holding no role", "role-holders", facts("zed"), { ok: false, reason: { code: "holds-no-role" } }],
    ["a panel member", "panel", facts("rob", { panel: ["Rob"] }), OK],
    ["someone off the panel", "panel", facts("alice", { panel: ["rob"] }), { ok: false, reason: { code: "not-on-panel" } }],
    ["anyone when no panel is known", "panel", facts("alice"), { ok: false, reason: { code: "not-on-panel" } }],
    ["the person a decision is about", "decision-subject", facts("ben", { subject: "Ben" }), OK],
    ["anyone, for a decision about nobody (a ladder change)", "decision-subject", facts("zed", { subject: null }), OK],
    ["someone else", "decision-subject", facts("zed", { subject: "ben" }), { ok: false, reason: { code: "not-subject", subject: "ben" } }],
    ["anyone when the subject is not known", "decision-subject", facts("zed"), { ok: false, reason: { code: "not-subject", subject: null } }],
  ])("%s (%s)", (_name, who, f, expected) => {
    expect(mayRun(who, f)).toEqual(expected);
  });
});

describe("renderRefusal", () => {
  const words = { sender: "zed", approverRoles: ["maintainer", "owner"], webUrl: "https://github.com" };
  it.each<[string, Parameters<typeof renderRefusal>[1], string]>([
    ["reject", { code: "is-candidate" }, "A candidate cannot reject their own proposal; use `/withdraw` to withdraw it."],
    ["reject", { code: "not-approver" }, "Only people holding an approving role (`maintainer` or `owner`) can reject a proposal; [zed](https://github.com/zed) does not hold one."],
    ["nominate", { code: "not-approver" }, "Only people holding an approving role (`maintainer` or `owner`) can nominate; [zed](https://github.com/zed) does not hold one."],
    ["nominate", { code: "is-candidate" }, "You cannot nominate yourself; ask another approver."],
    ["withdraw", { code: "not-candidate", candidate: "ben" }, "Only the candidate, [ben](https://github.com/ben), can withdraw this proposal."],
    ["step-down", { code: "holds-no-role" }, "Nothing changed: zed holds no role on the roster."],
    ["uphold", { code: "not-on-panel" }, "Only members of the appeal's panel can use `/uphold`; [zed](https://github.com/zed) is not on it."],
  ])("%s, %j", (name, reason, text) => {
    expect(renderRefusal(commandSpec(name as Parameters<typeof commandSpec>[0]), reason, words)).toBe(text);
  });
});

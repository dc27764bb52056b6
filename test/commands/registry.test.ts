import { parseCommands } from "../../src/commands/parse.js";
import { availableCommands, commandSpec, registry, usageOf } from "../../src/commands/registry.js";
import type { CommandName } from "../../src/commands/registry.js";

describe("command registry", () => {
  // The usage column of SPEC.md's "Commands" table, verbatim.
  it.each<[CommandName, string, string]>([
    ["ladder", "/ladder [@user]", "anyone"],
    ["appeal", "/appeal [D-n] <reason>", "decision-subject"],
    ["reject", "/reject <reason>", "approvers"],
    ["withdraw", "/withdraw", "candidate"],
    ["uphold", "/uphold", "panel"],
    ["overturn", "/overturn <reason>", "panel"],
    ["nominate", "/nominate @user <role> [reason]", "approvers"],
    ["step-down", "/step-down [role]", "role-holders"],
    ["help", "/stewards help", "anyone"],
  ])("declares %s as %j for %s", (name, usage, who) => {
    expect(commandSpec(name)).toMatchObject({ usage, who });
  });

  it("declares each command once", () => {
    const names = registry.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(9);
  });

  it("marks the commands with handlers available: all of them", () => {
    expect(availableCommands().map((c) => c.name)).toEqual(["ladder", "appeal", "reject", "withdraw", "uphold", "overturn", "nominate", "step-down", "help"]);
  });

  it.each(registry.flatMap((c) => c.examples.map((e) => [c.name, e.text] as const)))(
    "the %s example %j parses as that command",
    (name, text) => {
      expect(parseCommands(text)).toEqual([expect.objectContaining({ kind: "ok", name })]);
    },
  );

  it.each(registry.map((c) => [c.name, c] as const))("%s has words for people", (_name, spec) => {
    expect(spec.whoText.length).toBeGreaterThan(0);
    expect(spec.summary).toMatch(/^[A-Z].*\.$/);
    expect(spec.examples.length).toBeGreaterThan(0);
  });

  it("builds usage lines from argument declarations", () => {
    expect(
      usageOf("/x", [
        { field: "user", kind: "user", required: true, placeholder: "@user" },
        { field: "decision", kind: "decision", required: false, placeholder: "D-n" },
        { field: "reason", kind: "reason", required: true, placeholder: "reason" },
      ]),
    ).toBe("/x @user [D-n] <reason>");
  });

  it("fails loudly for an undeclared command", () => {
    expect(() => commandSpec("ladder", [])).toThrow("command ladder is not declared");
  });
});

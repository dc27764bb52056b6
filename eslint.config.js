// ESLint flat config. Besides the usual rules it enforces STYLE.md's room
// boundaries: the pure rooms (ladder, commands, plan, log, render, health) never
// reach Probot, octokit, the file system, the environment or the clock.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PURE_ROOMS = ["src/ladder/**", "src/commands/**", "src/plan/**", "src/log/**", "src/render/**", "src/health/**"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", Buffer: "readonly", fetch: "readonly", AbortController: "readonly", TextEncoder: "readonly", performance: "readonly", structuredClone: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: PURE_ROOMS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["probot", "probot/*", "@octokit/*", "octokit", "pg", "@electric-sql/*", "pino"], message: "pure rooms do not talk to GitHub, stores or loggers" },
            { group: ["fs", "node:*", "fs/*"], message: "pure rooms do no I/O" },
            { group: ["../github/*", "../store/*", "../usecases/*", "../handlers/*", "../cli/*"], message: "pure rooms import only each other and config types" },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "pass the clock in" },
        { object: "process", property: "env", message: "pure rooms do not read the environment" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "pass the clock in" },
      ],
    },
  },
  {
    files: ["src/usecases/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["../handlers/*", "../index.js", "probot"], message: "use-cases depend on narrow interfaces, not handlers or Probot" }] }],
    },
  },
);

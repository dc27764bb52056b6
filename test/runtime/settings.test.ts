import { readSettings, usesEnterpriseHost } from "../../src/runtime/settings.js";

describe("readSettings (the operating contract)", () => {
  it("has the documented defaults", () => {
    expect(readSettings({})).toEqual({
      appId: null,
      databaseUrl: null,
      dataDir: "./.data",
      sweepIntervalMs: 15 * 60_000,
      dryRun: false,
      webUrl: "https://github.com",
      onboarding: true,
    });
  });

  it.each([
    [{ SWEEP_INTERVAL: "30s" }, "sweepIntervalMs", 30_000],
    [{ SWEEP_INTERVAL: "1h" }, "sweepIntervalMs", 3_600_000],
    [{ STEWARDS_DRY_RUN: "true" }, "dryRun", true],
    [{ STEWARDS_DRY_RUN: "TRUE" }, "dryRun", true],
    [{ STEWARDS_DRY_RUN: "false" }, "dryRun", false],
    [{ STEWARDS_ONBOARDING: "false" }, "onboarding", false],
    [{ STEWARDS_ONBOARDING: "true" }, "onboarding", true],
    [{ DATABASE_URL: "postgres://u@h/db" }, "databaseUrl", "postgres://u@h/db"],
    [{ APP_ID: " 12345 " }, "appId", "12345"],
    [{ STEWARDS_DATA_DIR: "/var/lib/stewards" }, "dataDir", "/var/lib/stewards"],
    [{ GHE_HOST: "ghe.example.com" }, "webUrl", "https://ghe.example.com"],
    [{ GHE_HOST: "127.0.0.1:8080", GHE_PROTOCOL: "http" }, "webUrl", "http://127.0.0.1:8080"],
  ])("%j sets %s", (env, key, value) => {
    expect(readSettings(env as NodeJS.ProcessEnv)[key as keyof ReturnType<typeof readSettings>]).toEqual(value);
  });

  it.each([
    [{ SWEEP_INTERVAL: "often" }, /SWEEP_INTERVAL/],
    [{ SWEEP_INTERVAL: "10ms" }, /at least 1s/],
    [{ STEWARDS_DRY_RUN: "maybe" }, /STEWARDS_DRY_RUN/],
    [{ STEWARDS_ONBOARDING: "no" }, /STEWARDS_ONBOARDING/],
  ])("refuses %j", (env, message) => {
    expect(() => readSettings(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe("usesEnterpriseHost (the hint that the server may be GHES)", () => {
  it.each([
    [{}, false],
    [{ GHE_HOST: "  " }, false],
    [{ GHE_HOST: "ghe.example.com" }, true],
  ])("%j: %s", (env, expected) => {
    expect(usesEnterpriseHost(env as NodeJS.ProcessEnv)).toBe(expected);
  });
});

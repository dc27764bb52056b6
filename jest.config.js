/** Jest runs in ESM mode because Probot 14 is ESM only (see README, "Testing"). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json", diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30000,
};

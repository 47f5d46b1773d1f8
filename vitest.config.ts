import { defineConfig } from "vitest/config";

// One runner for every layer: pure logic, workers in workerd (via Miniflare), the local
// chain and the Pulumi program under mocks. End-to-end tests live in e2e/.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".local/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["./vitest.scratch-dir.ts"],
  },
});

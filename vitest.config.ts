import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", "**/.next/**", "playwright/**"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{apps,packages,bench,k8s}/**/*.test.ts"],
          exclude: [...exclude, "**/*.int.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["{apps,packages,bench,k8s}/**/*.int.test.ts"],
          exclude: [...exclude, "apps/grid/test/**"],
          globalSetup: ["./scripts/test-services.ts"],
          setupFiles: ["./scripts/test-file-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The multi-host grid (apps/grid): hosts of network namespaces on this machine, as root.
        test: {
          name: "grid",
          include: ["apps/grid/test/**/*.int.test.ts"],
          exclude,
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

import { defineConfig } from "vitest/config";

// Unit tests of the pure modules (form rules, GPU fit, capacity maths, names): no DOM needed.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});

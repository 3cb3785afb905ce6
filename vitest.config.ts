import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Suites under test/kernel (and any file named *.shared.test.ts) run in both
// projects: once in Node, once inside workerd, against the same .wasm.
const shared = ['test/kernel/**/*.test.ts', 'test/**/*.shared.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: { '#test-kernel-module': here('./test/support/kernel-module.node.ts') } },
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/worker/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: { '#test-kernel-module': here('./test/support/kernel-module.workerd.ts') } },
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations(here('./src/stores/d1/migrations')) } },
          })),
        ],
        test: {
          name: 'worker',
          setupFiles: ['./test/worker/apply-migrations.ts'],
          include: ['test/worker/**/*.test.ts', ...shared],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

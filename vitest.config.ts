import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sim,model,loadgen,agent-server,reports,validation,lib,cli,test}/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

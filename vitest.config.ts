import { defineConfig } from 'vitest/config';

// Two suites: `unit` needs Node alone; `interop` drives real clients from Debian packages
// (ffprobe, hdhomerun_config, xmllint) and runs in `npm run test:interop`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: ['test/**/*.interop.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'interop',
          include: ['test/**/*.interop.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

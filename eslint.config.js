// ESLint 9 flat config: typescript-eslint's type-checked rules over the TypeScript in src/, test/,
// bench/ and web/ (plus vitest.config.ts), with the types from the nearest tsconfig.json. In a
// streaming server a dropped promise is a silent hang or an unhandled rejection, so no-floating-promises and
// no-misused-promises stay errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'web/dist/', 'node_modules/', 'coverage/', 'demo-data/', '.bench-tmp/', 'test/fixtures/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Fastify's idiom: an async plugin needs no `done`, an async handler's return value is the
      // reply and a throw reaches the error handler. Most plugins and handlers await nothing, and
      // making them sync would change how Fastify treats them.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a deliberately unused binding (e.g. a field left out of a rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Vitest types its asymmetric matchers (expect.any(String), expect.stringMatching(...)) as
      // `any`, so every `toEqual({ at: expect.any(String) })` would be flagged.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);

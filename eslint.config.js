import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.build/', '.data/', 'bench/results/', 'test-artifacts/', 'coverage/', 'console/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // The admin console runs in the browser: its globals, and no Node built-ins.
    files: ['console/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', Headers: 'readonly', setTimeout: 'readonly', PopStateEvent: 'readonly' },
    },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'The console runs in the browser.' }, { group: ['**/shared/**'], allowTypeImports: true, message: 'Import only types from shared/: no server code in the console bundle.' }] }],
    },
  },
  {
    // shared/storage is the only code that touches DynamoDB (issue 11): everything else calls its
    // repositories and never sees keys, expressions or index names. bench/ and test/ instrument
    // and inspect the engine directly and are not covered.
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'lib/**/*.ts', 'bin/**/*.ts'],
    ignores: ['shared/storage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@aws-sdk/client-dynamodb', message: 'Only shared/storage talks to DynamoDB: call a repository in shared/storage instead.' },
            { name: '@aws-sdk/lib-dynamodb', message: 'Only shared/storage talks to DynamoDB: call a repository in shared/storage instead.' },
            { name: '@aws-sdk/client-dynamodb-streams', message: 'Only shared/storage talks to DynamoDB: call a repository in shared/storage instead.' },
            { name: '@aws-sdk/util-dynamodb', message: 'Only shared/storage knows how items are marshalled: call a repository in shared/storage instead.' },
            { name: 'zod', message: "zod classic is not tree-shakable (about 91 KB in every bundle): import * as z from '#shared/zod-mini.ts'." },
            { name: 'zod/v4', message: "zod classic is not tree-shakable (about 91 KB in every bundle): import * as z from '#shared/zod-mini.ts'." },
          ],
          patterns: [
            {
              group: ['**/storage/keys.ts', '**/storage/queries.ts', '**/storage/clients.ts', '#shared/storage/keys.ts', '#shared/storage/queries.ts', '#shared/storage/clients.ts'],
              message: 'Keys, raw queries and SDK clients are internal to shared/storage: use a repository function.',
            },
          ],
        },
      ],
    },
  },
  {
    // The builders' `keys` object (for tests and the benchmark) is the whole module: a function
    // bundle that imports it carries every builder (about 10 KB). Storage imports them as a namespace.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value=/keys\\.ts$/] > ImportSpecifier[imported.name='keys']", message: "Import the key builders as a namespace (import * as keys from './keys.ts'): the `keys` object keeps every builder in the bundle." }],
    },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const keysImportRestriction = {
  selector: "ImportDeclaration[source.value=/keys\\.ts$/] > ImportSpecifier[imported.name='keys']",
  message: "Import the key builders as a namespace (import * as keys from './keys.ts'): the `keys` object keeps every builder in the bundle.",
};

/** A call that builds a zod schema: z.string(), z.coerce.number(), schema.check(…), pageQuerySchema(…). */
const schemaBuildingCall = "CallExpression:matches([callee.object.name='z'], [callee.object.object.name='z'], [callee.property.name='check'], [callee.name=/Schema$/])";
const moduleLevelSchemaMessage = 'No zod schema is built at module initialisation (cold start, issue 17): declare it as lazily(() => …) from shared/lazy.ts and call it where it is used.';
const moduleLevelSchemaRestrictions = ['Program > VariableDeclaration', 'Program > ExportNamedDeclaration > VariableDeclaration'].map((declaration) => ({
  selector: `${declaration} > VariableDeclarator > .init ${schemaBuildingCall}:not(:function ${schemaBuildingCall}), ${declaration} > VariableDeclarator > ${schemaBuildingCall}.init`,
  message: moduleLevelSchemaMessage,
}));

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
      'no-restricted-syntax': ['error', keysImportRestriction],
    },
  },
  {
    // No zod schema is built at module initialisation (issue 17): function bundles import whole
    // schema modules, and building every schema cost SCIM functions 13–17 ms of cold start. A
    // module-level schema is `lazily(() => z.…)` (shared/lazy.ts) and callers call it. Catches a
    // top-level (exported or not) const whose initializer calls z.…(…), .check(…) or a …Schema(…)
    // builder outside any function. This block repeats the keys rule: a later no-restricted-syntax
    // replaces an earlier one for the same files.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    ignores: [
      // OpenAPI documentation modules: loaded at synth and by the local runtime, never in a function bundle.
      'shared/openapi/**',
    ],
    rules: {
      'no-restricted-syntax': ['error', keysImportRestriction, ...moduleLevelSchemaRestrictions],
    },
  },
  {
    // shared/openapi/operations/saml.ts holds request contracts of the SAML routes: it follows the rule too.
    files: ['shared/openapi/operations/saml.ts'],
    rules: {
      'no-restricted-syntax': ['error', keysImportRestriction, ...moduleLevelSchemaRestrictions],
    },
  },
);

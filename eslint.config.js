// Flat config: strict type-checked TypeScript plus the layer rules of ARCHITECTURE.md §1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'net',
  'http',
  'https',
  'url',
  'util',
  'stream',
  'events',
  'buffer',
  'process',
  'readline',
  'zlib',
];
const noElectron = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron (ARCHITECTURE.md §1).',
};
const noUpperLayers = {
  group: ['**/main/**', '**/preload/**', '**/renderer/**'],
  message: 'core/cli must not depend on main, preload or renderer.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'reports/**',
      'bench/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.node.json', './tsconfig.web.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      // Style only; `return res.end()`-type shorthands are clear enough.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // False positives on Electron's class-typed return values (BrowserWindow, Menu).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      // The line length is Prettier's printWidth (.prettierrc.json, checked by `format:check` in npm test).
      // Prettier cannot break strings, templates, URLs, regexes or comments: those may run longer.
      'max-len': [
        'error',
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignoreComments: true,
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Use the CSPRNG (node:crypto) for anything random.',
        },
      ],
    },
  },
  {
    files: ['renderer/**', 'test/component/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  // Layer rules.
  {
    files: ['electron/core/**', 'electron/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [noUpperLayers],
        },
      ],
    },
  },
  // The stack profile is chosen at the composition root (core/services.ts) and passed in: the rest of core
  // never names the built-in profile. This block repeats the layer rule above, since a later block's options
  // replace an earlier block's for the same rule.
  {
    files: ['electron/core/**'],
    ignores: ['electron/core/services.ts', 'electron/core/stack/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            noUpperLayers,
            {
              regex: '(^|/)stack(/crucible-ce|/index)?$',
              message:
                'Take the stack profile from your deps or options (core/services.ts passes it in); only services.ts, tests and benches import the built-in profile.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: nodeBuiltins, message: 'electron/common runs anywhere: no Node built-ins.' },
            { regex: '^(?!zod$|\\.{1,2}/).*', message: 'electron/common may import zod and its own files only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in Chromium: no Node built-ins.' },
            {
              group: ['**/electron/core/**', '**/electron/main/**', '**/electron/preload/**', '**/electron/cli/**'],
              message: 'The renderer talks to main only through window.api; it may import electron/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/**', '**/main/**', ...nodeBuiltins],
              message: 'The sandboxed preload may import electron and electron/common only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

// ESLint's flat config for the portal's own JavaScript, run by `./run test` from the repository's top
// (with --config, ESLint reads the patterns below from the current folder):
//     requirements/js/node_modules/.bin/eslint --config requirements/js/eslint.config.js .
// The static files are ES modules for the browser (no build step); the tests and this file run in Node.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['.venv/**', 'var/**', 'test-artifacts/**', '**/node_modules/**', '**/vendor/**', '**/*.min.js'],
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...js.configs.recommended,
  },
  {
    files: ['**/static/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.browser,
    },
  },
  {
    files: ['tests/js/**/*.mjs', 'tests/oidc/*.mjs', 'requirements/js/*.js', 'requirements/js/*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.node,
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always'],
      'no-var': 'off',
      'prefer-const': 'error',
      'no-implicit-globals': 'error',
    },
  },
];

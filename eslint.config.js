// Lint: typescript-eslint's recommended rules over src/, test/, bench/ and scripts/.
// Run by `npm test` (npm run lint); prettier owns the layout, so no style rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Finding control characters is this project's job (text from targets, terminals).
      'no-control-regex': 'off',
    },
  },
  {
    // bin/remora.cjs and the CommonJS helpers load modules with require() on purpose.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

// npm run lint: ESLint (typescript-eslint's recommended rules) over the TypeScript and the
// scripts, Prettier for layout (eslint-config-prettier turns off the rules Prettier owns).
// assembly/ is AssemblyScript (decorators on functions, i32/usize types), which neither parses.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'build/', 'prebuilds/', 'node_modules/', 'assembly/', 'docs/api/', 'demo-out/', 'bench-out/', 'coverage/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_`-prefixed parameters document an unused position of a fixed signature
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);

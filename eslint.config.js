// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'libs/*/dist/**', '.bench-dist/**', '.bench-mcp-dist/**', 'node_modules/**', 'coverage/**', 'data/**', '*.cjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/libs/actingweb/src/index*'], message: 'Inside the library, import the file, not the barrel.' }] },
      ],
    },
  },
);

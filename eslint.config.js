// Lint configuration: typescript-eslint's type-aware rules over all TypeScript.
// The rules that matter most here are the promise rules: a floating promise in a
// journal write or a sync handler loses data silently, which no test may notice.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Generated output and reports, never source.
    ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.data/', 'coverage/'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // One language service per tsconfig, found from each file: the linted code
        // is typed exactly as `tsc -p .` types it.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `_`-prefixed names are deliberately unused (a callback's ignored argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // verbatimModuleSyntax already requires `import type`; this keeps it consistent.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      // Template literals with numbers and bigints are how figures and money are printed.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false, allowNever: false },
      ],
      // In-memory adapters implement async ports (journal, storage) without awaiting
      // anything; requiring an `await` there would force noise into every one of them.
      '@typescript-eslint/require-await': 'off',
      // `x!` after an explicit check is the idiom under noUncheckedIndexedAccess.
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always'],
      'no-debugger': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Tests drive code through mocks and unknown JSON; the strict `any` rules there
    // mostly flag deliberate use of untyped test input, so they are warnings.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'sim/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript (this file) is outside the tsconfig: lint it without types.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);

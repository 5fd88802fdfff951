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
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
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
      // Template literals with numbers and bigints are how figures and money are printed;
      // `undefined` or `[object Object]` in a message a store manager reads is a bug.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false, allowNever: true },
      ],
      // In-memory adapters implement async ports (journal, storage) without awaiting
      // anything; requiring an `await` there would force noise into every one of them.
      '@typescript-eslint/require-await': 'off',
      // `x!` after an explicit check is the idiom under noUncheckedIndexedAccess.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // A few of ESLint's own rules that catch real bugs in TypeScript too (listed here
      // rather than pulling in @eslint/js, whose other rules the compiler already covers).
      eqeqeq: ['error', 'always'],
      'no-debugger': 'error',
      'prefer-const': 'error',
      'no-cond-assign': 'error',
      'no-constant-binary-expression': 'error',
      'no-self-compare': 'error',
      'no-unsafe-finally': 'error',
      'no-sparse-arrays': 'error',
      'no-useless-catch': 'error',
      'no-case-declarations': 'error',
      'no-unreachable-loop': 'error',
      'no-async-promise-executor': 'error',
      'no-empty-pattern': 'error',
    },
  },
  {
    // Tests feed deliberately malformed, untyped and thrown-anything input to the code
    // under test ("foolishness" suites): the `any` rules would flag the point of the test.
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // A test's labels may print whatever it was given, undefined included.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true, allowAny: false, allowNever: true },
      ],
    },
  },
  {
    // Drivers outside the product (benchmarks, browser tests, the simulator) parse JSON
    // and print diagnostics; the `any` rules stay visible there as warnings, and
    // printing a null exit code or an undefined field is what a diagnostic should do.
    files: ['bench/**/*.ts', 'e2e/**/*.ts', 'sim/**/*.ts', 'playwright.config.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true, allowAny: false, allowNever: true },
      ],
    },
  },
  {
    // Plain JavaScript (this file) is outside the tsconfig: lint it without types.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);

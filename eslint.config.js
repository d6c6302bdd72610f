// npm run lint: typescript-eslint with a small rule set over the generator, the spec stage, the templates (the
// runtime included) and the tests. Typed linting (projectService): each file is checked with its tsconfig.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'generated/**', 'bench/**', '.tmp/**', '.cache/**', '**/node_modules/**', 'test/browser/page/**', 'test/versions/fixtures/**', 'test/generator/fixtures/**', 'scripts/**'] },
  {
    files: ['generator/**/*.ts', 'spec/**/*.ts', 'templates/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits, returns or marks `void` loses its rejection.
      '@typescript-eslint/no-floating-promises': 'error',
      // A switch over a union handles every member, or says `default:` (a new kind is then a lint error).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // No unused code: variables, parameters after the last used one, imports; `_`-prefixed names are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-unreachable': 'error',
      'no-unused-labels': 'error',
      '@typescript-eslint/no-unused-expressions': 'error',
    },
  },
);

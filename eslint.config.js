import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Process folders: each runs on its own and shares code only through domain/, lib/ and schemas/. */
const PROCESS_FOLDERS = ['producers', 'consumers', 'trainer', 'gateway', 'web', 'stack'];
/**
 * Harnesses compose several processes in one run on purpose (a system under
 * test or under measurement), like the tests do: they may import process
 * folders, and no process folder may import them.
 */
const HARNESSES = ['bench', 'chaos'];

/** The boundary rule for one process folder: it may not import any other process folder. */
function boundary(folder) {
  const others = [...PROCESS_FOLDERS, ...HARNESSES].filter((f) => f !== folder);
  return {
    files: [`${folder}/**/*.ts`, `${folder}/**/*.tsx`],
    // tests and their fixtures compose several processes on purpose (a system under test)
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/test-fixtures/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: `^(\\.\\./)+(${others.join('|')})/`,
          message: `${folder}/ is a process folder: import shared code from domain/, lib/ or schemas/, never from another process folder (see ARCHITECTURE.md "Layers").`,
        }],
      }],
    },
  };
}

/** domain/, lib/ and schemas/ sit below every process: they import no process folder. */
const sharedLayer = {
  files: ['domain/**/*.ts', 'lib/**/*.ts', 'schemas/**/*.ts'],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        regex: `^(\\.\\./)+(${[...PROCESS_FOLDERS, ...HARNESSES].join('|')})/`,
        message: 'domain/, lib/ and schemas/ are shared layers: they may not import a process folder.',
      }],
    }],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.stack/**', 'web/dist/**', 'data/**', '**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...PROCESS_FOLDERS.map(boundary),
  sharedLayer,
);

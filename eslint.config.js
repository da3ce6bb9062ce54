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

/**
 * The dashboard reads the API the gateway validates with: web/ may import the
 * TYPES of the gateway's API schemas (gateway/api/*schemas.js, zod), never
 * their code (a type import is erased from the bundle), so the dashboard's
 * response shapes are the ones the gateway checks, not copies typed by hand.
 */
const webBoundary = {
  files: ['web/**/*.ts', 'web/**/*.tsx'],
  ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/test-fixtures/**'],
  rules: {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [
        {
          regex: `^(\\.\\./)+(${[...PROCESS_FOLDERS, ...HARNESSES].filter((f) => f !== 'web' && f !== 'gateway').join('|')})/`,
          message: 'web/ is a process folder: import shared code from domain/, lib/ or schemas/, never from another process folder (see ARCHITECTURE.md "Layers").',
        },
        {
          regex: '^(\\.\\./)+gateway/(?!api/[a-z-]*schemas\\.js$)',
          message: 'web/ may import from gateway/ only the types of its API schemas (import type ... from gateway/api/*schemas.js).',
        },
        {
          regex: '^(\\.\\./)+gateway/api/[a-z-]*schemas\\.js$',
          allowTypeImports: true,
          message: 'web/ may import only the TYPES of the gateway API schemas (import type): their code stays out of the bundle.',
        },
      ],
    }],
  },
};

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
  webBoundary,
  sharedLayer,
);

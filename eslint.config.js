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

/**
 * domain/ is pure: rules, folds and declarations, no side effects. Its I/O
 * (Kafka, ClickHouse, the ONNX runtime, files, child processes, sockets,
 * worker threads) lives in domain/<concept>/io/ (a concept's adapters) or in
 * lib/ (generic). A pure file may import TYPES from lib/'s I/O rooms (a row's
 * LogPosition), never their code.
 */
const DOMAIN_IO_MESSAGE = 'domain/ is pure: I/O goes in domain/<concept>/io/ (a concept\'s adapters) or lib/ (generic); see domain/README.md.';
export const DOMAIN_IO_PACKAGES = [
  'kafkajs', '@clickhouse/client', 'onnxruntime-node',
  'node:fs', 'fs', 'node:fs/promises', 'fs/promises',
  'node:child_process', 'child_process', 'node:net', 'net', 'node:worker_threads', 'worker_threads',
];
const pureDomain = {
  files: ['domain/**/*.ts'],
  ignores: ['domain/**/io/**', '**/*.test.ts', '**/test/**'],
  rules: {
    // replaces sharedLayer's options for these files (the last config's options win), so it repeats its pattern
    'no-restricted-imports': ['error', {
      paths: DOMAIN_IO_PACKAGES.map((name) => ({ name, message: DOMAIN_IO_MESSAGE })),
      patterns: [{
        regex: `^(\\.\\./)+(${[...PROCESS_FOLDERS, ...HARNESSES].join('|')})/`,
        message: 'domain/, lib/ and schemas/ are shared layers: they may not import a process folder.',
      }],
    }],
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{
        regex: '^(\\.\\./)+lib/(kafka/|projection/|process/|clickhouse/client\\.js$)|(^|/)io/',
        allowTypeImports: true,
        message: DOMAIN_IO_MESSAGE,
      }],
    }],
  },
};

/**
 * Rooms a reader can hold in their head (issue 23): no file over about 250
 * lines and no function over about 60, blank lines and comments not counted.
 * Tests are exempt (a table of cases is long by nature), as is generated code.
 */
const sizes = {
  files: ['**/*.ts', '**/*.tsx'],
  ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/test-fixtures/**'],
  rules: {
    'max-lines': ['error', { max: 250, skipBlankLines: true, skipComments: true }],
    'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
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
  pureDomain,
  sizes,
);

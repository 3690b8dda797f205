import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The import directions (docs/architecture.md). An import is named by the first path segment after its ./ or
 * ../ chain: a lib/ top-level file or folder, or a top-level folder of the repository. Those names are unique
 * across the layers below, so a relative import says which layer it reaches without resolving it.
 */
const DOMAIN = [
  'domain',
  'duration',
  'instant',
  'hashChain',
  'roleCapability',
  'limiter',
  'escapeText',
  'caller',
  'journalAnchor',
  'upn',
  'endpoints',
  'apiAudiences',
];
const PORTS = ['ports'];
const USE_CASES = ['audit', 'revoke', 'grants', 'evidence', 'doctor', 'notify'];
const ADAPTERS = [
  'tableStorage',
  'blob',
  'exchange',
  'graph',
  'mail',
  'channels',
  'http',
  'auth',
  'clock',
  'credential',
  'invocationLogger',
];
const INBOUND = ['api', 'triggers'];
const ROOT = ['runtime', 'doctorProbes', 'config', 'settingParsers', 'ncrontab', 'hostingPlan'];
/** Top-level folders: lib/ never reaches into them (contract/ is the one lib/ and emulator/ share). */
const OUTSIDE_LIB = ['cli', 'emulator', 'functions', 'test', 'testkit', 'bench', 'scripts'];

/** One block: `files` may not import a name of `forbidden`. */
function restrict(files, forbidden, message) {
  // Files inside a lib/ folder reach other layers through ../ (./ stays in their own folder); lib/ top-level files
  // reach their lib/ siblings through ./ and the rest of the repository through ../.
  const topLevel = files.every((f) => /^lib\/[^/]+\.ts$/.test(f));
  const outside = OUTSIDE_LIB.filter((n) => forbidden.includes(n));
  const patterns = topLevel
    ? [
        { regex: `^\\./(${forbidden.join('|')})(/|\\.js$)`, message },
        { regex: `^\\.\\./(${outside.join('|')})/`, message },
      ]
    : [{ regex: `^(\\.\\./)+(${forbidden.join('|')})(/|\\.js$)`, message }];
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

/** The blocks of one layer: the lib/ files and folders `names` may not import any of `forbidden`. */
function layer(what, names, forbidden, why) {
  const message = `${what} ${why} (docs/architecture.md).`;
  return [
    restrict(
      names.map((n) => `lib/${n}.ts`),
      forbidden,
      message,
    ),
    restrict(
      names.map((n) => `lib/${n}/**/*.ts`),
      forbidden,
      message,
    ),
  ];
}

const USE_CASE_MAY_NOT = [...ADAPTERS, ...INBOUND, ...ROOT, ...OUTSIDE_LIB];
const ADAPTER_MAY_NOT = [...USE_CASES, ...INBOUND, ...ROOT, ...OUTSIDE_LIB];

const importDirections = [
  ...layer(
    'The domain',
    DOMAIN,
    [...PORTS, ...USE_CASES, ...ADAPTERS, ...INBOUND, ...ROOT, ...OUTSIDE_LIB],
    'imports nothing of the project but itself and contract/',
  ),
  ...layer(
    'A port',
    PORTS,
    [...USE_CASES, ...ADAPTERS, ...INBOUND, ...ROOT, ...OUTSIDE_LIB],
    'imports only the domain and the other ports',
  ),
  ...layer(
    'A use case',
    USE_CASES,
    USE_CASE_MAY_NOT,
    'imports only the domain, the ports and other use cases; it is handed its adapters and settings',
  ),
  ...layer(
    'An adapter',
    ADAPTERS,
    ADAPTER_MAY_NOT,
    'imports only the domain, the ports and shared adapter plumbing; the composition root builds it from the settings',
  ),
  ...layer(
    'A trigger',
    INBOUND,
    [
      ...ADAPTERS.filter((n) => n !== 'auth' && n !== 'invocationLogger'),
      ...ROOT.filter((n) => n !== 'runtime'),
      ...OUTSIDE_LIB,
    ],
    'adapts an invocation to a use case; it is handed its adapters and never builds one',
  ),
  ...layer('The composition root', ROOT, OUTSIDE_LIB, 'builds lib/ only'),
  {
    files: ['emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(lib|cli|functions|test|testkit|bench|scripts)/',
              message: 'The emulator is a component of its own: it shares only contract/ (emulator/README.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'contract/ imports nothing of the project.' }] },
      ],
    },
  },
  {
    // Functions read as a few named steps; a longer one says why in its disable comment.
    files: ['lib/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+test/', message: 'Benchmarks never import the tests.' }] },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A caught error is `unknown`; passing it on as the rejection keeps the original error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // An async function that only throws is how a port's promise-returning contract reads best.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    // Tests read parsed JSON and HTTP bodies (a union the handlers fill with text) as `any` on purpose and
    // assert on them.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  ...importDirections,
);

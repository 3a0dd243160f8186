/**
 * The may-import table of docs/ARCHITECTURE.md ("Modules"), checked by `depcruise src` in
 * scripts/test.sh. Type-only imports count: a type is a dependency like any other.
 * `src/errors.ts` (typed domain errors, imports nothing) and `src/shared/` (domain-free helpers:
 * the escaping `html` tag, `sleep`, the PRNG, the claim-holder id; they import nothing) may be imported from anywhere.
 */
const table = {
  shared: [],
  config: [],
  db: ['config'],
  papers: ['db'],
  jobs: ['db'],
  ingest: ['papers', 'db', 'jobs'],
  search: ['papers', 'db'],
  ranking: [],
  feed: ['db', 'ranking', 'papers'],
  users: ['db', 'papers', 'feed', 'ranking'],
  library: ['db', 'papers', 'users'],
  digest: ['papers', 'search', 'ranking', 'users', 'feed', 'jobs', 'db', 'foryou'],
  setup: ['db', 'ingest', 'users', 'feed', 'jobs'],
  demo: ['db', 'papers', 'users'],
  foryou: ['db', 'papers', 'search', 'ranking'],
  alerts: ['db', 'papers', 'search', 'users', 'library', 'digest'],
};
const domains = Object.keys(table);

/** The table lists direct dependencies; what those may import, the importer may use too. */
function closure(folder, seen = new Set()) {
  for (const dep of table[folder] ?? []) {
    if (!seen.has(dep)) {
      seen.add(dep);
      closure(dep, seen);
    }
  }
  return seen;
}

/**
 * Besides the table: the one address rule, src/digest/mail.ts, is shared with users/.
 */
const extra = { users: '|^src/digest/mail\\.ts$' };
const allowed = (folder) =>
  `^src/(?:${[folder, 'shared', ...closure(folder)].join('|')})/|^src/errors\\.ts$${extra[folder] ?? ''}`;

module.exports = {
  forbidden: [
    {
      name: 'app-is-the-root',
      comment: 'only cli/ (and the web app it starts) may import the composition root src/app/',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(?:app|cli|web)/' },
      to: { path: '^src/app/' },
    },
    ...domains.map((folder) => ({
      name: `${folder}-may-import`,
      comment: `src/${folder}/ may import only: ${[...closure(folder)].join(', ') || 'nothing'} (docs/ARCHITECTURE.md)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: allowed(folder) },
    })),
    {
      name: 'web-may-import',
      comment: 'web/ may import every domain folder, never cli/ or app internals it is handed',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-not-tests',
      comment: 'nothing in src imports test/ or bench/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(?:test|bench)/' },
    },
    {
      name: 'no-folder-cycle',
      comment: 'no import cycle between folders of src/',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      comment: 'no import cycle between modules either (web/app.ts → site.routes.ts → account.routes.ts → app.ts was one)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

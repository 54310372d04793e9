/**
 * The layers, written down: `npm test` fails on an import they do not allow (`npm run layers`).
 *
 * Bottom to top, each layer imports only the layers below it (and npm packages):
 *   scheduling/, outbound/   pure engines, nothing of ours
 *   domain/                  pure booking definitions (statuses, payloads, types); may use scheduling/
 *   telemetry/               logger, metrics, tracing: infrastructure, nothing of ours
 *   db/                      queries and the schema; scheduling/ and domain/ only
 *   personal-data/           the payload codec and its keys, beside db/
 *   calendars/               hosts' calendars: providers (CalDAV, ICS feeds), busy time, sealed credentials
 *   bookings/                the use cases under both faces
 *   workflows/               deterministic: the SDK, their own files, domain/ and scheduling/
 *   activities/              the workflows' side effects; never workflow code
 *   temporal/                the Temporal client every process builds the same way
 *   api/, web/               the faces; neither reaches into the other
 *   worker/                  the worker process: composition root of workflows and activities
 *   scripts/, test/          import anything; nothing imports them (test may use scripts/)
 *
 * Outside workflows/, only the definition modules (messages and ids, search attributes, payload
 * schemas and text rules) are imported: workflow code runs in the worker's sandbox, and a workflow
 * is started by its name.
 * The README's Layout diagram is generated from these folders (`npm run layers:diagram`).
 */
const WORKFLOW_DEFINITIONS = '^workflows/(messages|search-attributes|payloads|payload-checks|text|text-rules)\\.ts$';

/** Which of our folders each layer may import, beside its own. */
const LAYERS = {
  scheduling: [],
  outbound: [],
  domain: ['scheduling'],
  telemetry: [],
  db: ['scheduling', 'domain'],
  'personal-data': ['db', 'domain', 'scheduling'],
  calendars: ['db', 'domain', 'scheduling', 'outbound', 'personal-data', 'telemetry'],
  bookings: ['db', 'domain', 'scheduling', 'outbound', 'personal-data', 'telemetry'],
  workflows: ['domain', 'scheduling'],
  activities: ['db', 'domain', 'scheduling', 'outbound', 'personal-data', 'telemetry', 'bookings', 'calendars'],
  temporal: ['db', 'domain', 'personal-data', 'telemetry'],
  api: ['db', 'domain', 'scheduling', 'outbound', 'personal-data', 'telemetry', 'bookings', 'temporal', 'calendars'],
  web: ['db', 'domain', 'scheduling', 'outbound', 'telemetry', 'bookings'],
};
/**
 * Layers that start or message workflows, through the workflows' definition modules: the use cases
 * and the activities; the API maps the workflows' refusals (their failure types) to HTTP. The pages
 * go through the use cases.
 */
const STARTS_WORKFLOWS = ['bookings', 'activities', 'api'];

const folders = (names) => `^(${names.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles: each module can be read (and loaded) after what it imports.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'workflows-deterministic',
      severity: 'error',
      comment: 'Workflow code runs in the sandbox and is replayed: the SDK and pure packages only (see test/unit/workflow-determinism.test.ts).',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'core'], pathNot: 'node_modules/(@temporalio/(workflow|common)|zod)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'migrations-frozen',
      severity: 'error',
      comment: 'A migration is frozen in time: it imports nothing of the app.',
      from: { path: '^db/migrations/' },
      to: { dependencyTypes: ['local'], pathNot: '^db/migrations/' },
    },
  ],
  allowed: [
    // npm packages and Node's own modules, anywhere (workflows are narrowed above).
    { from: {}, to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'core'] } },
    // Within a layer.
    ...Object.keys(LAYERS).map((layer) => ({ from: { path: `^${layer}/` }, to: { path: `^${layer}/` } })),
    // Each layer onto the layers below it.
    ...Object.entries(LAYERS).filter(([, below]) => below.length > 0)
      .map(([layer, below]) => ({ from: { path: `^${layer}/` }, to: { path: folders(below) } })),
    // The workflows' definitions (ids, messages, search attributes, payload schemas) for those that
    // start or message them; a workflow itself is started by its name.
    { from: { path: folders(STARTS_WORKFLOWS) }, to: { path: WORKFLOW_DEFINITIONS } },
    // proxyActivities<BookingActivities>: the workflows know the activities' interface, never their code.
    { from: { path: '^workflows/' }, to: { path: '^activities/index\\.ts$', dependencyTypes: ['type-only'] } },
    // The API's app is the composition root of both faces: it mounts the pages' router.
    { from: { path: '^api/app\\.ts$' }, to: { path: '^web/router\\.ts$' } },
    // The processes: the worker composes everything below the faces; entry points read config.ts.
    { from: { path: '^worker/' }, to: { path: '^(?!(api|web|scripts|test)/)' } },
    { from: { path: '^(api/server|worker/main)\\.ts$' }, to: { path: '^config\\.ts$' } },
    // scripts/ and test/ import anything; scripts/ do not import the tests.
    { from: { path: '^scripts/' }, to: { pathNot: '^test/' } },
    { from: { path: '^test/' }, to: {} },
    // The environment's parsing names the log formats telemetry/ knows.
    { from: { path: '^config\\.ts$' }, to: { path: '^telemetry/' } },
  ],
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.data|\\.tools|coverage)/' },
    includeOnly: { path: '^(?!\\.dependency-cruiser)' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer is what its code names, not only what it loads.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // The README's diagram (npm run layers:diagram) names the folders, not hashes of them.
    reporterOptions: { mermaid: { minify: false } },
  },
};

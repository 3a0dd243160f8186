/**
 * @huggingface/transformers is an optional dependency (an install with --omit=optional has no
 * ONNX runtimes): it is imported only when `embedder` is "transformers", and when that is
 * configured but the package is missing, the error says what to install instead of showing a
 * module-not-found stack. Which modules this process resolves is seen through node's own loader
 * hooks; "missing" is a real failed import of a package name that is not installed.
 */
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { loadActiveEmbedder } from '../../src/search/embedder/load.ts';
import {
  TRANSFORMERS_PACKAGE,
  TransformersEmbedder,
  TransformersMissingError,
} from '../../src/search/embedder/transformers.ts';
import { tempDir } from '../support/app.ts';

const resolved: string[] = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    resolved.push(specifier);
    return nextResolve(specifier, context);
  },
});

const dir = tempDir('paperboy-tf-optional-');
let store: SqliteStore;
before(async () => {
  store = new SqliteStore(path.join(dir, 'paperboy.db'));
  // The active model was made by transformers (an earlier configuration).
  const repo = store.search;
  await repo.saveModel({ version: 'transformers-old', kind: 'transformers', dimensions: 8 }, null);
});
after(() => store?.close());

test('the package is not imported while embedder is "builtin", even with a transformers model active', async () => {
  const repo = store.search;
  const active = await loadActiveEmbedder(repo, {
    data: dir,
    embedder: 'builtin',
    embedderModel: path.join(dir, 'models', 'some-model'),
  });
  assert.equal(active, null, 'the transformers vectors wait for `paperboy reindex`');
  assert.ok(!resolved.includes(TRANSFORMERS_PACKAGE), resolved.join('\n'));
});

test('embedder "transformers" imports it (and says plainly when the model folder is missing)', async () => {
  const repo = store.search;
  await assert.rejects(
    loadActiveEmbedder(repo, { data: dir, embedder: 'transformers', embedderModel: path.join(dir, 'nope') }),
    /is not a folder here, and downloading is off/,
  );
  assert.ok(resolved.includes(TRANSFORMERS_PACKAGE));
});

test('configured but not installed: the error names the package and the command to install it', async () => {
  const err = await TransformersEmbedder.load(path.join(dir, 'nope'), {
    allowRemote: false,
    cacheDir: path.join(dir, 'hub'),
    packageName: '@paperboy-test/transformers-not-installed',
  }).then(
    () => assert.fail('loaded a package that is not installed'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TransformersMissingError, String(err));
  assert.match(err.message, /embedder "transformers" is configured/);
  assert.match(err.message, /npm install @huggingface\/transformers/);
  assert.doesNotMatch(String(err.stack), /Cannot find package|at /, 'no module-not-found stack');
  assert.equal((err.cause as { code?: string }).code, 'ERR_MODULE_NOT_FOUND', 'a real failed import');
});

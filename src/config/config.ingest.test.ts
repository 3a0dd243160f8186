import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConfigError, loadConfig } from './config.ts';

test('ingestion settings: defaults, lists from env, every bad value reported', () => {
  const d = loadConfig({ env: {} });
  assert.equal(d.harvestTime, '20:00');
  assert.equal(d.harvestTimeZone, 'America/New_York');
  assert.deepEqual(d.featureCategories, [], 'no automatic featuring by default');
  assert.equal(d.oaiMetadataPrefix, 'arXivRaw');
  assert.equal(d.scheduler, true);

  const e = loadConfig({
    env: {
      PAPERBOY_FEATURE_CATEGORIES: 'cs.LG, cs.CV',
      PAPERBOY_RSS_CATEGORIES: 'stat.ML+cs',
      PAPERBOY_SCHEDULER: 'false',
    },
  });
  assert.deepEqual(e.featureCategories, ['cs.LG', 'cs.CV']);
  assert.deepEqual(e.rssCategories, ['stat.ML', 'cs']);
  assert.equal(e.scheduler, false);

  assert.throws(
    () =>
      loadConfig({
        env: {
          PAPERBOY_HARVEST_TIME: '8pm',
          PAPERBOY_HARVEST_TIME_ZONE: 'Mars/Olympus',
          PAPERBOY_FEATURE_CATEGORIES: 'cs.LG,<script>',
        },
      }),
    (err: ConfigError) =>
      err.problems.length === 3 &&
      /harvestTime.*HH:MM/.test(err.problems.join()) &&
      /IANA time zone/.test(err.problems.join()) &&
      /arXiv category/.test(err.problems.join()),
  );
});

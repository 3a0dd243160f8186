/**
 * Issue 15 item 2, the digest: events of alerts delivering to the digest lead it as "Your alerts"
 * (text and HTML), planned as the scheduler plans (planDigests with the section as
 * src/app/alerts.ts builds it), on SQLite and PostgreSQL. Events of alerts that deliver elsewhere
 * stay out, and a digest without alerts renders as before.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import { digestAlerts } from '../../src/app/alerts.ts';
import type { Store } from '../../src/app/store.ts';
import type { ComposedDigest } from '../../src/digest/compose.ts';
import { slotOn } from '../../src/digest/period.ts';
import { planDigests } from '../../src/digest/plan.ts';
import type { RenderedMail } from '../../src/digest/template.ts';
import {
  addConfirmed,
  bothStores,
  defaultPrefs,
  digestConfig,
  SLOT_DAY,
  SLOT_MS,
  seedPapers,
  type TestStore,
} from '../digest/helpers.ts';
import { tempDir } from '../support/app.ts';

const NOW = new Date(SLOT_MS - 3 * 86_400_000).toISOString();
const slot = slotOn(SLOT_DAY, '06:00', 'UTC');

async function plan(store: Store, data: string) {
  const config = digestConfig(data);
  const out = new Map<string, { digest: ComposedDigest; mail: RenderedMail }>();
  await planDigests(store, config, {
    slot,
    runId: null,
    now: SLOT_MS,
    dryRun: true,
    alerts: digestAlerts(store, config),
    onPreview: (s, mail, digest) => out.set(s.email, { digest, mail }),
  });
  return out;
}

for (const [name, open] of bothStores) {
  describe(`alerts in the digest (${name})`, () => {
    let env: TestStore | null = null;
    const data = tempDir('paperboy-alert-digest-');
    after(async () => {
      await env?.close();
      rmSync(data, { recursive: true, force: true });
    });

    it('"Your alerts" leads the digest with the events of digest alerts only', async () => {
      env = await open();
      const { store } = env;
      const reader = (await store.users.create({
        email: 'watch@example.org',
        name: 'watch',
        passwordHash: 'x',
        now: NOW,
      }))!;
      await store.users.markVerified(reader.id, NOW);
      await addConfirmed(store, 'watch@example.org', defaultPrefs({ paperCount: 5 }));
      await addConfirmed(store, 'plain@example.org', defaultPrefs({ paperCount: 5 }));
      await store.alerts.create(
        { userId: reader.id, kind: 'search', target: 'diffusion', delivery: ['digest'] },
        NOW,
      );
      await store.alerts.create(
        { userId: reader.id, kind: 'author', target: 'Geoffrey Hinton', delivery: ['mail'] },
        NOW,
      );
      // 12 papers in the two days before the slot: "diffusion models" every 6th, Hinton every 4th.
      await seedPapers(store, 12);
      const r = await computeEvents(store.alerts, {
        baseUrl: 'https://paperboy.test',
        now: () => SLOT_MS - 3_600_000,
      });
      assert.ok(
        r.events.some((e) => e.type === 'author.match'),
        'the mail-only alert fired too',
      );

      const out = await plan(store, data);
      const mine = out.get('watch@example.org')!;
      assert.deepEqual(
        mine.digest.alerts?.map((a) => [a.title, a.reason]),
        [
          ['On diffusion models: result 0', 'matches your search “diffusion”'],
          ['On diffusion models: result 6', 'matches your search “diffusion”'],
        ],
      );
      const text = mine.mail.text;
      assert.ok(text.indexOf('Your alerts') < text.indexOf('Trending'), 'alerts lead');
      assert.match(
        text,
        /\* On diffusion models: result 0\n {2}matches your search “diffusion”\n {2}https:\/\/paperboy\.test\/papers\/2601\.10000/,
      );
      assert.doesNotMatch(text, /new paper by Geoffrey Hinton/, 'mail-only events stay out of the digest');
      assert.match(mine.mail.html, /<h2[^>]*>Your alerts<\/h2>/);
      const plain = out.get('plain@example.org')!;
      assert.equal(plain.digest.alerts, undefined);
      assert.doesNotMatch(plain.mail.text, /Your alerts/);
    });
  });
}

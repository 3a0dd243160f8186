/**
 * The pure composer on fixed data: table-driven rules, snapshot tests of the daily and weekly mail
 * (text part + item list; `UPDATE_SNAPSHOTS=1` rewrites them after a deliberate change), and the
 * rendered HTML screenshotted by headless Chromium into test-results/ with its text part.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { type ComposedDigest, type ComposeInput, composeDigest } from '../../src/digest/compose.ts';
import { periodLabel, slotOn } from '../../src/digest/period.ts';
import { renderDigest } from '../../src/digest/template.ts';
import type { CandidatePaper, Interests } from '../../src/search/match.ts';
import { buildIndex, parseInterests } from '../../src/search/match.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';

const PAPERS: CandidatePaper[] = [
  [
    '2601.00001',
    'Diffusion Transformers at Scale',
    'We scale diffusion transformers to billions of parameters.',
    ['William Peebles', 'Saining Xie'],
    ['cs.CV', 'cs.LG'],
  ],
  [
    '2601.00002',
    'Graph Neural Networks for Molecules',
    'Message passing networks predict molecular properties.',
    ['Ada Lovelace'],
    ['cs.LG', 'q-bio.BM'],
  ],
  [
    '2601.00003',
    'A Survey of Diffusion Models',
    'We survey diffusion models <b>and</b> their uses & limits: $x^2$.',
    ['Grace Hopper'],
    ['cs.LG'],
  ],
  [
    '2601.00004',
    'Forward-Forward Learning Revisited',
    'Layer-local learning without backpropagation.',
    ['Geoffrey Hinton'],
    ['cs.NE'],
  ],
  [
    '2601.00005',
    'Quantum Error Correction Thresholds',
    'Surface codes under biased noise.',
    ['Peter Shor'],
    ['quant-ph'],
  ],
  [
    '2601.00006',
    'Language Models as Reviewers',
    'Can large language models review papers?',
    ['Alan Turing', 'Grace Hopper', 'Ada Lovelace', 'Emmy Noether', 'Kurt Gödel'],
    ['cs.CL'],
  ],
  ['2601.00007', 'Efficient Attention Kernels', 'Faster attention with tiling.', ['Tri Dao'], ['cs.LG']],
].map(([arxivId, title, abstract, authors, categories], i) => ({
  arxivId: arxivId as string,
  title: title as string,
  abstract: abstract as string,
  authors: authors as string[],
  categories: categories as string[],
  submittedAt: `2026-01-0${5 + (i % 2)}T1${i}:00:00.000Z`,
}));
const byId = new Map(PAPERS.map((p) => [p.arxivId, p]));
const index = buildIndex(PAPERS);
const HIGHLIGHTS = [
  { arxivId: '2601.00006', score: 9, upvotes: 42 },
  { arxivId: '2601.00007', score: 8, upvotes: 30 },
  { arxivId: '2601.00001', score: 7, upvotes: 25 },
  { arxivId: '2601.00005', score: 3, upvotes: 4 },
];
const NONE: Interests = { categories: [], keywords: [], authors: [] };

function input(
  over: {
    interests?: Interests;
    paperCount?: number;
    alreadySent?: string[];
    sendEmpty?: boolean;
    highlights?: typeof HIGHLIGHTS;
    frequency?: 'daily' | 'weekly';
  } = {},
): ComposeInput {
  const f = over.frequency ?? 'daily';
  const slot = slotOn('2026-01-07', '06:00', 'UTC');
  return {
    subscriber: {
      id: 7,
      paperCount: over.paperCount ?? 5,
      interests: parseInterests(over.interests ?? NONE),
    },
    period: { key: `${f}:2026-01-07`, frequency: f, label: periodLabel(f, slot) },
    since: '2026-01-01T00:00:00.000Z',
    highlights: over.highlights ?? HIGHLIGHTS,
    index,
    papers: byId,
    alreadySent: new Set(over.alreadySent ?? []),
    sendEmpty: over.sendEmpty ?? false,
  };
}
const ids = (d: ComposedDigest | null) => d?.items.map((i) => `${i.section[0]}:${i.paper.arxivId}`) ?? null;

describe('composer rules', () => {
  const cases: [string, Parameters<typeof input>[0], string[] | null][] = [
    [
      'no interests: highlights by score',
      {},
      ['h:2601.00006', 'h:2601.00007', 'h:2601.00001', 'h:2601.00005'],
    ],
    [
      'paperCount caps the digest',
      {
        paperCount: 5,
        highlights: [
          ...HIGHLIGHTS,
          { arxivId: '2601.00002', score: 1, upvotes: 1 },
          { arxivId: '2601.00003', score: 0.5, upvotes: 0 },
        ],
      },
      ['h:2601.00006', 'h:2601.00007', 'h:2601.00001', 'h:2601.00005', 'h:2601.00002'],
    ],
    [
      'interests take at least half; highlights fill the rest and lead',
      { interests: { ...NONE, keywords: ['diffusion'] } },
      ['h:2601.00006', 'h:2601.00007', 'h:2601.00005', 'i:2601.00001', 'i:2601.00003'],
    ],
    [
      'most reasons first',
      { interests: { categories: ['cs.LG'], keywords: ['diffusion -survey'], authors: [] }, paperCount: 6 },
      ['h:2601.00006', 'h:2601.00005', 'i:2601.00001', 'i:2601.00007', 'i:2601.00002', 'i:2601.00003'],
    ],
    [
      'author interest (accents, surname)',
      { interests: { ...NONE, authors: ['Hinton', 'Kurt Godel'] }, highlights: [] },
      ['i:2601.00006', 'i:2601.00004'],
    ],
    [
      'archive category and query language',
      {
        interests: { ...NONE, categories: ['quant-ph'], keywords: ['author:hopper "language models"'] },
        highlights: [],
      },
      ['i:2601.00006', 'i:2601.00005'],
    ],
    [
      'never the same paper twice',
      { alreadySent: ['2601.00006', '2601.00007', '2601.00001'] },
      ['h:2601.00005'],
    ],
    ['nothing new: no digest', { alreadySent: HIGHLIGHTS.map((h) => h.arxivId) }, null],
    [
      'nothing new, sendEmpty: an empty digest',
      { alreadySent: HIGHLIGHTS.map((h) => h.arxivId), sendEmpty: true },
      [],
    ],
  ];
  for (const [name, over, expected] of cases)
    test(name, () => assert.deepEqual(ids(composeDigest(input(over))), expected));

  test('deterministic: the same input composes the same digest', () => {
    const o = {
      interests: { categories: ['cs.LG'], keywords: ['attention OR diffusion'], authors: ['Hinton'] },
      paperCount: 7,
    };
    assert.deepEqual(composeDigest(input(o)), composeDigest(input(o)));
  });
});

const links = {
  site: 'https://paperboy.test/',
  web: 'https://paperboy.test/digest/web.7.0.d20260107.SIG',
  unsubscribe: 'https://paperboy.test/digest/unsubscribe/unsubscribe.7.0.SIG',
  preferences: 'https://paperboy.test/digest/preferences/preferences.7.0.SIG',
  paper: (id: string) => `https://paperboy.test/papers/${id}`,
};
const SNAP = path.join(import.meta.dirname, '__snapshots__');

function snapshot(name: string, actual: string) {
  const file = path.join(SNAP, name);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    if (process.env.CI && !existsSync(file))
      assert.fail(`snapshot ${name} missing (run with UPDATE_SNAPSHOTS=1 and commit it)`);
    mkdirSync(SNAP, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `${name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1`,
  );
}

describe('rendered digests', () => {
  const daily = composeDigest(
    input({
      interests: { categories: ['cs.LG'], keywords: ['diffusion'], authors: ['Hinton'] },
      paperCount: 6,
    }),
  )!;
  const weekly = composeDigest(
    input({
      frequency: 'weekly',
      interests: { categories: ['quant-ph'], keywords: ['"language models"'], authors: [] },
      paperCount: 5,
    }),
  )!;
  const mails = {
    daily: renderDigest(daily, links, 'paperboy'),
    weekly: renderDigest(weekly, links, 'paperboy'),
  };

  test('snapshots: subject, text part and HTML of a daily and a weekly digest', () => {
    for (const [kind, mail] of Object.entries(mails)) {
      snapshot(`${kind}.txt`, `Subject: ${mail.subject}\n\n${mail.text}`);
      snapshot(`${kind}.html`, mail.html);
    }
  });

  test('HTML escapes paper text and keeps styles inline with a dark-mode block', () => {
    const html = mails.daily.html;
    assert.ok(
      // Maths as MathML, as on the site (issue 16 item 3).
      html.includes(
        'We survey diffusion models &lt;b&gt;and&lt;/b&gt; their uses &amp; limits: <math aria-label="x^2">',
      ),
    );
    assert.ok(!html.includes('<b>and</b>'));
    assert.match(html, /<meta name="color-scheme" content="light dark">/);
    assert.match(html, /@media \(prefers-color-scheme: dark\)/);
    assert.ok(!/<link\b/.test(html) && !/<script\b/i.test(html), 'no external stylesheet, no script');
    assert.ok(
      mails.daily.text.includes(links.unsubscribe) &&
        mails.daily.text.includes(links.preferences) &&
        mails.daily.text.includes(links.web),
    );
  });

  test('headless Chromium renders the daily and weekly digests (screenshots in test-results/)', async () => {
    const browser = await launchBrowser();
    try {
      for (const [kind, mail] of Object.entries(mails)) {
        for (const scheme of ['light', 'dark'] as const) {
          const page = await browser.newPage({ viewport: { width: 720, height: 900 }, colorScheme: scheme });
          await page.setContent(mail.html, { waitUntil: 'load' });
          const title = await page.locator('h2').first().textContent();
          assert.equal(title, kind === 'weekly' ? 'Trending this week' : 'Trending today');
          const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          assert.equal(
            bg,
            scheme === 'dark' ? 'rgb(24, 24, 27)' : 'rgb(244, 244, 245)',
            `${kind} ${scheme} background`,
          );
          await page.screenshot({
            path: artifactPath(`digest-${kind}${scheme === 'dark' ? '-dark' : ''}.png`),
            fullPage: true,
          });
          await page.close();
        }
        writeFileSync(artifactPath(`digest-${kind}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
        writeFileSync(artifactPath(`digest-${kind}.html`), mail.html);
      }
    } finally {
      await browser.close();
    }
  });
});

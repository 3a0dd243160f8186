/** Response headers, page weight and the site's parsers under mutated input. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { periodFromQuery } from '../../src/feed/period.ts';
import { cleanCommentBody } from '../../src/users/community.ts';
import { localPath, parseCookies } from '../../src/web/auth.ts';
import { autolink } from '../../src/web/autolink.ts';
import { bibtexField } from '../../src/web/bibtex.ts';
import { PAGE_SIZE } from '../../src/web/feed.routes.ts';
import { parseForm } from '../../src/web/form.ts';
import { withMath } from '../../src/web/math.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  t = await startApp({ config: { trustProxy: 1 } });
  // More than a full first page: cards with long abstracts, math in title and lead, many authors.
  const papers = Array.from({ length: 30 }, (_, i) =>
    makePaper({
      arxivId: `2406.${String(i + 1).padStart(5, '0')}`,
      title: `A fairly long title about $O(n \\log n)$ scaling of diffusion transformers number ${i}`,
      abstract: 'We study how $\\alpha$-divergences scale with model size and data. '.repeat(25),
      authors: Array.from({ length: 12 }, (_, j) => ({
        name: `Author${j} Surname${i}`,
        keyname: `Surname${i}`,
        forenames: `Author${j}`,
        suffix: '',
        affiliation: null,
      })),
      categories: ['cs.LG', 'cs.CV', 'stat.ML'],
      links: [{ kind: 'code', url: `https://github.com/acme/project-${i}`, host: 'github.com' }],
    }),
  );
  await t.store.papers.upsertMany(papers);
  for (const p of papers)
    await t.store.papers.feature({
      arxivId: p.arxivId,
      day: today,
      source: 'rule',
      submittedBy: null,
      importedUpvotes: 3,
    });
});
after(() => t.close());

test("RELIABILITY Web: headers — CSP with script-src 'self', object-src 'none', frame-ancestors 'none'; nosniff; HSTS only over TLS", async () => {
  for (const path of ['/', '/papers/2406.00001', '/trending', '/login', '/api/daily_papers', '/nope']) {
    const res = await fetch(`${t.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const d of ["script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"])
      assert.ok(csp.includes(d), `${path}: ${d}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('strict-transport-security'), null, `${path}: no HSTS over plain http`);
  }
  const tls = await fetch(`${t.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
  assert.match(tls.headers.get('strict-transport-security') ?? '', /max-age=\d{7,}/);
});

test('look and feel: the first load of / (HTML + CSS + JS) stays under 50 KB with a full page of cards', async () => {
  const html = await (await fetch(`${t.url}/`)).text();
  assert.equal(html.match(/class="card"/g)?.length, PAGE_SIZE);
  assert.match(html, /rel="next">Next page/);
  const css = await (await fetch(`${t.url}/static/app.css`)).text();
  const js = await (await fetch(`${t.url}/static/app.js`)).text();
  const total = Buffer.byteLength(html) + Buffer.byteLength(css) + Buffer.byteLength(js);
  assert.ok(total < 50 * 1024, `${total} bytes`);
  console.log(`first load of /: ${total} bytes`);
  const paper = await (await fetch(`${t.url}/papers/2406.00001`)).text();
  assert.ok(Buffer.byteLength(paper) + Buffer.byteLength(css) + Buffer.byteLength(js) < 50 * 1024);
});

test('RELIABILITY Web: parsers survive thousands of mutated inputs (periods, forms, cookies, next=, comments, math, autolink, BibTeX fields)', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.stringMatching(/^[$\\{}<>&"'\n\r\t a-z0-9:/.%#?=-]{0,200}$/),
  );
  fc.assert(
    fc.property(text, text, (a, b) => {
      // Each either answers or throws a typed, expected error; nothing else escapes.
      try {
        periodFromQuery({ date: a, week: b.length % 2 ? undefined : b }, '2024-01-01');
      } catch (err) {
        assert.equal((err as Error).name, 'InvalidInputError');
      }
      parseForm(a);
      parseCookies(a);
      const next = localPath(a);
      assert.ok(
        next === '/' || (next.startsWith('/') && !next.startsWith('//') && !/[\r\n\\]/.test(next)),
        next,
      );
      try {
        const body = cleanCommentBody(a);
        assert.ok(body.length > 0 && !/[\u0000-\u0008]/.test(body));
      } catch (err) {
        assert.equal((err as Error).name, 'InvalidInputError');
      }
      const math = withMath(a).value;
      assert.doesNotMatch(math, /<script|javascript:|\son\w+=/i);
      const linked = autolink(a).value;
      assert.doesNotMatch(linked, /<script|href="(?!https?:)/i);
      // LaTeX stays (issue 14): braces balance, no trailing backslash, no file-touching command.
      const field = bibtexField(a);
      let depth = 0;
      for (const c of field)
        if (c === '{') depth++;
        else if (c === '}') assert.ok(--depth >= 0, field);
      assert.equal(depth, 0, field);
      assert.doesNotMatch(field, /\\$|\\(input|include|write|immediate|openout|def)(?![A-Za-z])/);
    }),
    { numRuns: 3000 },
  );
});

test('math rendering of pathological input ends (expansion and segment caps)', () => {
  const nested = withMath(`${'$\\frac{'.repeat(200)}x${'}$'.repeat(200)} ${'$'.repeat(10_000)}`).value;
  assert.doesNotMatch(nested, /<script/);
  const bomb = withMath('$\\def\\a{\\a\\a\\a}\\a$ '.repeat(40)).value;
  assert.match(bomb, /class="tex"/, 'a macro bomb is shown as its source');
});

/** HTML pages for papers: latest list, one paper, keyword search. Handlers stay thin. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import type { Paper } from '../papers/paper.ts';
import { keywordSearch } from '../search/keyword.ts';
import type { AppDeps } from './app.ts';
import { html } from './html.ts';
import { layout } from './views/layout.view.ts';
import { paperList, paperPage } from './views/papers.view.ts';

const PAGE_SIZE = 25;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });
const searchQuery = z.object({
  q: z.string().max(500).default(''),
  page: z.coerce.number().int().min(1).max(40).default(1),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new InvalidInputError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

export const paperRoutes =
  ({ store, config }: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const page = (title: string, body: ReturnType<typeof html>, query?: string) =>
      layout({ title, siteName: config.siteName, ...(query !== undefined ? { query } : {}) }, body);

    app.get('/', async (req, reply) => {
      const { page: n } = parse(pageQuery, req.query);
      const papers = await store.papers.latest(PAGE_SIZE + 1, (n - 1) * PAGE_SIZE);
      const pager = {
        prev: n > 1 ? `/?page=${n - 1}` : null,
        next: papers.length > PAGE_SIZE ? `/?page=${n + 1}` : null,
      };
      const body = html`<h1>Latest papers</h1>${paperList(papers.slice(0, PAGE_SIZE), pager, 'No papers yet. Import the arXiv snapshot with `npx paperboy import <file>`.')}`;
      return reply.type('text/html; charset=utf-8').send(page('', body));
    });

    app.get('/papers/*', async (req, reply) => {
      const raw = (req.params as { '*': string })['*'];
      const parsed = parseArxivId(raw);
      if (!parsed) throw new NotFoundError(`"${raw.slice(0, 100)}" is not an arXiv id`);
      if (parsed.id !== raw) return reply.redirect(`/papers/${parsed.id}`, 301);
      const paper = await store.papers.get(parsed.id);
      if (!paper) throw new NotFoundError(`Paper ${parsed.id} is not in this library yet.`);
      return reply.type('text/html; charset=utf-8').send(page(paper.title, paperPage(paper)));
    });

    app.get('/search', async (req, reply) => {
      const { q, page: n } = parse(searchQuery, req.query);
      const limit = n * PAGE_SIZE + 1;
      const hits = q.trim() ? await keywordSearch(store, q, limit) : [];
      const papers: Paper[] = [];
      for (const h of hits.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE)) {
        const p = await store.papers.get(h.arxivId);
        if (p) papers.push(p);
      }
      const qs = (k: number) => `/search?q=${encodeURIComponent(q)}&page=${k}`;
      const pager = { prev: n > 1 ? qs(n - 1) : null, next: hits.length >= limit ? qs(n + 1) : null };
      const empty = q.trim()
        ? `No papers match “${q}”. Try fewer or different words.`
        : 'Type a few words to search titles, authors and abstracts.';
      const body = html`<h1>Search${q ? html`: ${q}` : ''}</h1>${paperList(papers, pager, empty)}`;
      return reply.type('text/html; charset=utf-8').send(page(q ? `Search: ${q}` : 'Search', body, q));
    });
  };

/**
 * Keyword search page. The feed (`/`), lists and the paper page moved to feed.routes.ts and
 * paper.routes.ts (issue 4); this file keeps `/search` for the search issue to grow.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { Paper } from '../papers/paper.ts';
import { keywordSearch } from '../search/keyword.ts';
import type { AppDeps } from './app.ts';
import { html } from './html.ts';
import { layout } from './views/layout.view.ts';
import { paperList } from './views/papers.view.ts';

const PAGE_SIZE = 25;
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

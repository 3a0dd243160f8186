/**
 * The paper page `/papers/<arxiv-id>` (old-style ids contain a slash, hence the wildcard), and
 * `/similar/<arxiv-id>`, the page's similar-papers list alone (fetched by app.js when the page
 * was rendered before the list existed).
 */
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import type { Paper } from '../papers/paper.ts';
import { bibtex } from './bibtex.ts';
import { html, type SafeHtml } from './html.ts';
import { contextFor, HTML, noSuchPaper, sendCached, sendPage, type WebDeps } from './respond.ts';
import { paperPage } from './views/paper.view.ts';
import { similarList } from './views/search.view.ts';

const SIMILAR_ON_PAGE = 6;
/** The fragment is fetched after the page loaded, so it may wait for the computation. */
const FRAGMENT_WAIT_MS = 10_000;

export const paperPageRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store, site } = deps;

    async function paperOr404(raw: string): Promise<Paper> {
      const parsed = parseArxivId(raw);
      if (!parsed) throw noSuchPaper(raw);
      const paper = await store.papers.get(parsed.id);
      if (!paper) throw new NotFoundError(`Paper ${parsed.id} is not in this library yet.`);
      return paper;
    }

    /** The stored list as HTML, or null when it is still being computed. */
    async function similarOf(paper: Paper, waitMs: number): Promise<SafeHtml | null> {
      const near = await site.similar.lists.get(paper.id, waitMs);
      if (!near?.list) return null;
      return similarList(paper.arxivId, await site.similar.titles(near.list.ids.slice(0, SIMILAR_ON_PAGE)));
    }

    app.get<{ Params: { '*': string } }>('/papers/*', async (req, reply) => {
      const raw = req.params['*'];
      const parsed = parseArxivId(raw);
      if (!parsed) throw noSuchPaper(raw);
      if (parsed.id !== raw) return reply.redirect(`/papers/${parsed.id}`, 301);
      return sendPage(deps, req, reply, async () => {
        const paper = await paperOr404(parsed.id);
        const viewer = req.viewer?.user;
        const [stats, featurings, comments, similar, ctx, collections, holding] = await Promise.all([
          store.feed.stats(paper.id),
          store.feed.featuringsOf(paper.id),
          store.community.commentsFor(paper.id),
          similarOf(paper, site.similarWaitMs),
          contextFor(deps, req, [paper.id]),
          viewer ? store.library.collections(viewer.id) : [],
          viewer ? store.library.collectionsWith(viewer.id, paper.id) : [],
        ]);
        const has = new Set(holding);
        const mine = collections.map((c) => ({
          id: c.id,
          name: c.name,
          isDefault: c.isDefault,
          has: has.has(c.id),
        }));
        return {
          meta: { title: paper.title },
          body: paperPage(
            { paper, stats, featurings, comments, bibtex: bibtex(paper), similar, collections: mine },
            ctx,
          ),
        };
      });
    });

    app.get<{ Params: { '*': string } }>('/similar/*', async (req, reply) =>
      sendCached(deps, req, reply, async () => {
        const paper = await paperOr404(req.params['*']);
        const list = await similarOf(paper, FRAGMENT_WAIT_MS);
        if (list) return { body: list.value, type: HTML };
        // 202: not stored by the page cache, so the next reader asks again.
        const still = html`<p class="muted">Still looking; <a href="/search?like=${encodeURIComponent(paper.arxivId)}">find similar papers now →</a></p>`;
        return { body: still.value, type: HTML, status: 202 };
      }),
    );
  };

/** The paper page `/papers/<arxiv-id>` (old-style ids contain a slash, hence the wildcard). */
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import { similarPapers } from '../search/service.ts';
import { bibtex } from './bibtex.ts';
import { listContext, sendPage, type WebDeps } from './respond.ts';
import { paperPage } from './views/paper.view.ts';
import { similarList } from './views/search.view.ts';

const SIMILAR_ON_PAGE = 6;

export const paperPageRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store } = deps;
    app.get<{ Params: { '*': string } }>('/papers/*', async (req, reply) => {
      const raw = req.params['*'];
      const parsed = parseArxivId(raw);
      if (!parsed) throw new NotFoundError(`"${raw.slice(0, 100)}" is not an arXiv id`);
      if (parsed.id !== raw) return reply.redirect(`/papers/${parsed.id}`, 301);
      return sendPage(deps, req, reply, async () => {
        const paper = await store.papers.get(parsed.id);
        if (!paper) throw new NotFoundError(`Paper ${parsed.id} is not in this library yet.`);
        const [stats, featurings, comments] = await Promise.all([
          store.feed.stats(paper.id),
          store.feed.featuringsOf(paper.id),
          store.community.commentsFor(paper.id),
        ]);
        const [item] = await store.feed.items([paper.id]);
        const ctx = await listContext(deps, req, item ? [item] : []);
        const near = await similarPapers({ store, config: deps.config }, paper.arxivId, SIMILAR_ON_PAGE);
        const similar = near ? similarList(paper.arxivId, near.hits) : null;
        return {
          meta: { title: paper.title },
          body: paperPage({ paper, stats, featurings, comments, bibtex: bibtex(paper), similar }, ctx),
        };
      });
    });
  };

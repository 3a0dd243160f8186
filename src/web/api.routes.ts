/** JSON API. Presenters choose the public shape; internal fields (row ids, hashes) stay inside. */
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../errors.ts';
import { arxivAbsUrl, arxivPdfUrl, parseArxivId } from '../papers/arxiv-id.ts';
import type { Paper } from '../papers/paper.ts';
import type { AppDeps } from './app.ts';

export function presentPaper(p: Paper) {
  return {
    id: p.arxivId,
    version: p.version,
    title: p.title,
    summary: p.abstract,
    authors: p.authors.map((a) => ({ name: a.name, affiliation: a.affiliation })),
    categories: p.categories,
    primaryCategory: p.primaryCategory,
    publishedAt: p.submittedAt,
    updatedAt: p.updatedAt,
    versions: p.versions.map((v) => ({ version: `v${v.version}`, createdAt: v.createdAt })),
    comments: p.comments,
    journalRef: p.journalRef,
    doi: p.doi,
    license: p.license,
    links: p.links,
    absUrl: arxivAbsUrl(p.arxivId),
    pdfUrl: arxivPdfUrl(p.arxivId),
  };
}

export const apiRoutes =
  ({ store }: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/papers/*', async (req) => {
      const raw = (req.params as { '*': string })['*'];
      const parsed = parseArxivId(raw);
      if (!parsed) throw new NotFoundError(`"${raw.slice(0, 100)}" is not an arXiv id`);
      const paper = await store.papers.get(parsed.id);
      if (!paper) throw new NotFoundError(`paper ${parsed.id} not found`);
      return presentPaper(paper);
    });
  };

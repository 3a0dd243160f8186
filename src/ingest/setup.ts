/**
 * Builds the HTTP client and sources from the configuration, for the CLI and the scheduler.
 * One client per process: arXiv's "one request every 3 s, one connection" covers the API, OAI-PMH
 * and RSS together, so every source shares it.
 */
import type { Config } from '../config/config.ts';
import type { PaperInput } from '../papers/paper.ts';
import { HttpClient } from './http.ts';
import type { Source, SourceName } from './source.ts';
import { ArxivApiSource, categoriesQuery, fetchArxivPapers } from './sources/arxiv-api.ts';
import { DailyPapersSource } from './sources/daily-papers.ts';
import { OaiSource } from './sources/oai.ts';
import { RssSource } from './sources/rss.ts';

/** The process's clients, one per upstream set and politeness settings (see upstreamClient). */
const clients = new Map<string, HttpClient>();

/**
 * The one upstream client of this process for `config`: the scheduler's harvests, the bootstrap
 * harvest and community submissions all get the same instance, so the interval holds across them
 * (arXiv asks for one request every 3 s from a client, not per feature). Configs naming the same
 * upstreams with the same politeness settings share it; a different set (a test's own fixture
 * server) gets its own.
 */
export function upstreamClient(config: Config): HttpClient {
  const bases = [config.arxivOaiUrl, config.arxivApiUrl, config.arxivRssUrl, config.dailyPapersUrl].filter(
    (u): u is string => Boolean(u),
  );
  const options = {
    userAgent: config.userAgent,
    intervalMs: config.upstreamIntervalMs,
    timeoutMs: config.upstreamTimeoutMs,
    maxRetries: config.upstreamRetries,
    allowedBases: bases,
  };
  const key = JSON.stringify(options);
  let client = clients.get(key);
  if (!client) {
    client = new HttpClient(options);
    clients.set(key, client);
  }
  return client;
}

export interface SourceRequest {
  since?: string | null;
  until?: string | null;
  ids?: string[];
  /** `cs.LG+cs.CV`: RSS feeds, or an API category search. */
  categories?: string | null;
  /** Raw arXiv API search_query. */
  query?: string | null;
  /** OAI set and format (defaults from config). */
  set?: string | null;
  format?: 'arXiv' | 'arXivRaw';
  /** Scheduled runs start a first OAI harvest a few days back instead of listing everything. */
  scheduled?: boolean;
}

/** Every category the daily RSS run reads: rssCategories plus featureCategories, `+`-joined. */
export function scheduledRssCategories(config: Config): string | null {
  const cats = [...new Set([...config.rssCategories, ...config.featureCategories])];
  return cats.length ? cats.join('+') : null;
}

/** Throws RangeError / InvalidInputError for unusable requests (the CLI reports them as usage). */
export function createSource(name: SourceName, config: Config, r: SourceRequest = {}): Source<unknown> {
  switch (name) {
    case 'oai':
      return new OaiSource({
        baseUrl: config.arxivOaiUrl,
        metadataPrefix: r.format ?? config.oaiMetadataPrefix,
        set: r.set ?? config.oaiSet ?? null,
        since: r.since ?? null,
        until: r.until ?? null,
        firstHarvestDays: r.scheduled ? config.oaiFirstHarvestDays : null,
      });
    case 'arxiv-api': {
      const query = r.query ?? (r.categories ? categoriesQuery(r.categories) : undefined);
      return new ArxivApiSource({
        apiUrl: config.arxivApiUrl,
        ...(r.ids?.length ? { ids: r.ids } : {}),
        ...(query ? { query } : {}),
        since: r.since ?? null,
      });
    }
    case 'rss': {
      const categories = r.categories ?? scheduledRssCategories(config);
      if (!categories)
        throw new RangeError('rss needs --categories (or rssCategories / featureCategories in config)');
      return new RssSource({
        rssUrl: config.arxivRssUrl,
        categories,
        featureCategories: config.featureCategories,
      });
    }
    case 'daily-papers': {
      if (!config.dailyPapersUrl) throw new RangeError('daily-papers needs dailyPapersUrl in config');
      return new DailyPapersSource({
        url: config.dailyPapersUrl,
        since: r.since ?? null,
        enrich: async (ids, get) =>
          (await fetchArxivPapers(ids, { http: { get }, apiUrl: config.arxivApiUrl })).papers,
      });
    }
  }
}

/**
 * One paper by its (already validated) arXiv id from the configured arXiv API, through the
 * process's upstream client: what a community submission needs, without knowing the source.
 */
export async function fetchArxivPaper(
  config: Config,
  arxivId: string,
  signal?: AbortSignal,
): Promise<PaperInput | null> {
  const r = await fetchArxivPapers([arxivId], {
    http: upstreamClient(config),
    apiUrl: config.arxivApiUrl,
    ...(signal ? { requestOptions: { signal } } : {}),
  });
  return r.papers[0] ?? null;
}

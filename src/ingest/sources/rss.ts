/**
 * arXiv new-submission feeds (`<rssUrl>/rss/cs.LG+cs.CV`): today's announcements.
 *
 * Announce types: `new` adds the paper, `replace`/`replace-cross` bring a new version, `cross`
 * adds the feed's categories to a known paper. Feed records are summaries (no comments, no
 * submitter, announcement dates instead of submission dates), so they are merged into stored
 * papers field by field and never overwrite what OAI-PMH or the API said (merge.ts).
 *
 * Featuring rules: a `new` paper whose primary category is in `featureCategories` is featured on
 * its announcement day (the feed's date on the US Eastern calendar, where arXiv announces).
 * The saved ETag makes an unchanged feed cost one 304.
 */
import { zonedDay } from '../../jobs/zoned-time.ts';
import { CATEGORY_SOURCE } from '../../papers/category.ts';
import type { PaperInput } from '../../papers/paper.ts';
import type { FeaturedInput } from '../../papers/repository.ts';
import { COVERAGE, mergeWithStored } from '../merge.ts';
import { parseArxivRss } from '../parsers/rss.ts';
import { type Source, type SourceContext, SourceError, type SourceResult } from '../source.ts';

const ARXIV_TIME_ZONE = 'America/New_York';

export interface RssOptions {
  rssUrl: string;
  /** `cs.LG+cs.CV` or an archive like `cs`. */
  categories: string;
  /** Primary categories whose new papers are featured (see config `featureCategories`). */
  featureCategories?: readonly string[];
  parseNow?: Date;
}

export interface RssState {
  /** Per feed (category list): the last ETag and the last announcement day taken in. */
  feeds: Record<string, { etag: string | null; day: string | null }>;
}

const CATEGORIES = new RegExp(`^${CATEGORY_SOURCE}(?:\\+${CATEGORY_SOURCE})*$`);

export function isCategoryList(s: string): boolean {
  return CATEGORIES.test(s);
}

/** `cs.LG` matches the rule `cs.LG` and the archive rule `cs`. */
function matchesCategory(category: string, rules: readonly string[]): boolean {
  return rules.some((r) => category === r || category.startsWith(`${r}.`));
}

export class RssSource implements Source<RssState> {
  readonly name = 'rss' as const;
  readonly cursorKey = 'ingest:rss';
  readonly params: Record<string, unknown>;
  readonly #o: RssOptions;

  constructor(o: RssOptions) {
    if (!isCategoryList(o.categories))
      throw new RangeError(`not a category list (like cs.LG+cs.CV): ${o.categories}`);
    this.#o = o;
    this.params = { categories: o.categories, featureCategories: o.featureCategories ?? [] };
  }

  async run(ctx: SourceContext<RssState>): Promise<SourceResult> {
    const cats = this.#o.categories;
    const feeds = { ...(ctx.state?.feeds ?? {}) };
    const saved = feeds[cats];
    const url = `${this.#o.rssUrl.replace(/\/+$/, '')}/rss/${cats}`;
    const headers: Record<string, string> = saved?.etag ? { 'If-None-Match': saved.etag } : {};

    let page: ReturnType<typeof parseArxivRss> | null = null;
    let etag: string | null = null;
    for (let attempt = 0; attempt < 2 && !page?.records; attempt++) {
      const res = await ctx.fetch(url, headers);
      if (res.status === 304) {
        await ctx.commit({ papers: [] }, { feeds }, { done: true });
        return { detail: 'feed unchanged since the last run (304 Not Modified)' };
      }
      if (res.status !== 200) throw new SourceError(`${cats}: HTTP ${res.status}`);
      etag = res.headers.get('etag');
      const parsed = parseArxivRss(res.body, { now: this.#o.parseNow ?? ctx.now() });
      if (parsed.fatal && attempt === 0) {
        ctx.note(cats, `${parsed.fatal.reason} (${parsed.fatal.where}); fetching the feed again`);
        continue;
      }
      page = parsed;
    }
    if (!page) throw new SourceError(`${cats}: no usable feed`);

    const day = page.channel.pubDate
      ? zonedDay(new Date(page.channel.pubDate), ARXIV_TIME_ZONE)
      : zonedDay(ctx.now(), ARXIV_TIME_ZONE);
    ctx.reject(page.errors);
    const rules = this.#o.featureCategories ?? [];
    const papers: PaperInput[] = [];
    const featured: FeaturedInput[] = [];
    for (const r of page.records) {
      if (r.kind !== 'paper') continue;
      papers.push(r.paper);
      const primary = r.paper.categories[0];
      if (r.announceType === 'new' && primary && matchesCategory(primary, rules)) {
        featured.push({
          arxivId: r.paper.arxivId,
          day,
          source: 'rule',
          submittedBy: null,
          importedUpvotes: 0,
        });
      }
    }
    const merged = await mergeWithStored((id) => ctx.store.papers.get(id), papers, COVERAGE.rss);
    // A broken feed keeps its complete items but not its ETag, so the next run fetches it again.
    const next: RssState = { feeds: { ...feeds, [cats]: { etag: page.fatal ? null : etag, day } } };
    await ctx.commit({ papers: merged.papers, featured }, next, { done: true, unchanged: merged.unchanged });
    ctx.progress(page.seen, page.seen, `${page.seen} items`);
    if (page.fatal) {
      throw new SourceError(
        `${cats}: ${page.fatal.reason} (${page.fatal.where}); kept ${papers.length} complete items`,
      );
    }
    if (page.seen === 0) return { detail: `no announcements in ${cats} for ${day} (weekend or holiday)` };
    return { detail: `announcements of ${day} in ${cats}` };
  }
}

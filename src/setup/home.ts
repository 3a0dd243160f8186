/**
 * The home page is never empty when papers exist: before anything is featured it shows the newest
 * papers of the followed categories (or of the whole library when none are followed).
 */
import type { Config } from '../config/config.ts';
import type { FeedItem } from '../feed/feed.ts';
import { followedCategories } from './settings.ts';
import type { SetupStore } from './store.ts';

export async function newestFollowed(
  store: SetupStore,
  config: Config,
  limit: number,
): Promise<{ items: FeedItem[]; categories: string[] }> {
  const categories = followedCategories(config);
  if (!categories.length) {
    const papers = await store.papers.latest(1, 0);
    if (!papers.length) return { items: [], categories };
    // No categories: the newest of the primary categories present is good enough for a first look.
    return { items: await store.feed.byCategory(papers[0]!.categories[0]!, limit, 0), categories };
  }
  const lists = await Promise.all(categories.map((c) => store.feed.byCategory(c, limit, 0)));
  const seen = new Set<number>();
  return {
    items: lists
      .flat()
      .filter((i) => !seen.has(i.paper.id) && seen.add(i.paper.id))
      .sort((a, b) => b.paper.submittedAt.localeCompare(a.paper.submittedAt))
      .slice(0, limit),
    categories,
  };
}

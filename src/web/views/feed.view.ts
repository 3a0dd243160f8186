/** List pages: the daily/weekly/monthly feed, trending, a category, an author. */
import type { FeedItem } from '../../feed/feed.ts';
import { type Period, periodLabel, periodParam } from '../../feed/period.ts';
import { html, type SafeHtml } from '../html.ts';
import { cardList, type ListContext, type Pager, pagerNav } from './cards.view.ts';

/** Orders of the daily/weekly/monthly lists: upvotes, or newest arXiv date first. */
export const LIST_SORTS = ['votes', 'date'] as const;
type ListSort = (typeof LIST_SORTS)[number];
/** Trending windows: papers that entered the feed in the last day, week, month, or ever. */
export const TRENDING_WINDOWS = ['day', 'week', 'month', 'all'] as const;
export type TrendingWindow = (typeof TRENDING_WINDOWS)[number];
export const WINDOW_DAYS: Record<Exclude<TrendingWindow, 'all'>, number> = { day: 1, week: 7, month: 30 };
export const WINDOW_LABELS: Record<TrendingWindow, string> = {
  day: 'Today',
  week: 'This week',
  month: 'This month',
  all: 'All time',
};

/** Plain links (no JavaScript), the current one marked for screen readers and the eye. */
function choices(label: string, options: { href: string; text: string; current: boolean }[]): SafeHtml {
  return html`<nav class="sort" aria-label="${label}">${label}: ${options.map(
    (o, i) =>
      html`${i ? ' · ' : ''}<a href="${o.href}"${o.current ? html` aria-current="true"` : ''}>${o.text}</a>`,
  )}</nav>`;
}

export interface DailyView {
  period: Period;
  /** The day, week and month containing the period's first day, for the tabs. */
  tabs: { day: Period; week: Period; month: Period };
  items: FeedItem[];
  total: number;
  sort: ListSort;
  /** This period's address in the given order. */
  sortHref: (sort: ListSort) => string;
  periodPager: Pager;
  pagePager: Pager;
  /** True when `/` fell back from today to the latest featured day. */
  fellBack: boolean;
}

export function dailyPage(v: DailyView, ctx: ListContext): SafeHtml {
  const sortQuery = v.sort === 'date' ? '&sort=date' : '';
  const tab = (p: Period, label: string) =>
    html`<a href="/papers?${periodParam(p)}${sortQuery}"${p.kind === v.period.kind ? html` aria-current="page"` : ''}>${label}</a>`;
  const heading =
    v.period.kind === 'day'
      ? 'Daily papers'
      : v.period.kind === 'week'
        ? 'Papers of the week'
        : 'Papers of the month';
  return html`<h1>${heading} <span class="sub">${periodLabel(v.period)}</span></h1>
<div class="toolbar"><nav class="tabs" aria-label="Period">${tab(v.tabs.day, 'Day')}${tab(v.tabs.week, 'Week')}${tab(v.tabs.month, 'Month')}</nav>${pagerNav(v.periodPager)}</div>
${v.fellBack ? html`<p class="muted">Nothing featured today yet; showing the latest featured day.</p>` : ''}
${choices('Sort', [
  { href: v.sortHref('votes'), text: 'most upvoted', current: v.sort === 'votes' },
  { href: v.sortHref('date'), text: 'newest', current: v.sort === 'date' },
])}
${v.total ? html`<p class="muted">${v.total} paper${v.total === 1 ? '' : 's'}, ${v.sort === 'date' ? 'newest (arXiv date)' : 'most upvoted'} first.</p>` : ''}
${cardList(v.items, ctx, html`No papers featured ${v.period.kind === 'day' ? 'on this day' : `in this ${v.period.kind}`}. <a href="/submit">Submit one</a>.`)}
${pagerNav(v.pagePager)}`;
}

export interface TrendingView {
  category: string | null;
  window: TrendingWindow;
  /** The categories the library has, for the picker. */
  categories: string[];
}

export function trendingPage(items: FeedItem[], v: TrendingView, pager: Pager, ctx: ListContext): SafeHtml {
  const href = (w: TrendingWindow, cat = v.category) => {
    const q = [
      ...(cat ? [`cat=${encodeURIComponent(cat)}`] : []),
      ...(w === 'all' ? [] : [`window=${w}`]),
    ].join('&');
    return q ? `/trending?${q}` : '/trending';
  };
  const options =
    v.category && !v.categories.includes(v.category) ? [v.category, ...v.categories] : v.categories;
  return html`<h1>Trending${v.category ? html` <span class="sub">in ${v.category}</span>` : ''}</h1>
<p class="muted">Upvotes (local and imported) halved for every day since a paper was featured.${
    v.category ? html` <a href="${href(v.window, null)}">All categories</a>.` : ''
  }</p>
${choices(
  'Featured',
  TRENDING_WINDOWS.map((w) => ({ href: href(w), text: WINDOW_LABELS[w], current: w === v.window })),
)}
<form class="filter" method="get" action="/trending"><label for="cat">Category</label><select id="cat" name="cat"><option value="">All categories</option>${options.map((c) => html`<option${c === v.category ? html` selected` : ''}>${c}</option>`)}</select>${v.window === 'all' ? '' : html`<input type="hidden" name="window" value="${v.window}">`}<button type="submit">Filter</button></form>
${cardList(items, ctx, v.window === 'all' ? 'No papers have votes or featurings yet.' : html`Nothing featured ${WINDOW_LABELS[v.window].toLowerCase()}. <a href="${href('all')}">All time</a>.`)}
${pagerNav(pager)}`;
}

export function categoryPage(
  category: string,
  items: FeedItem[],
  pager: Pager,
  ctx: ListContext,
  follow: SafeHtml | string = '',
): SafeHtml {
  return html`<h1>${category} <span class="sub">newest first</span></h1>
${follow}
<p class="muted"><a href="/trending?cat=${encodeURIComponent(category)}">Trending in ${category}</a></p>
${cardList(items, ctx, `No papers in ${category} yet.`)}
${pagerNav(pager)}`;
}

export function authorPage(
  name: string,
  items: FeedItem[],
  pager: Pager,
  ctx: ListContext,
  follow: SafeHtml | string = '',
): SafeHtml {
  return html`<h1>${name} <span class="sub">papers, newest first</span></h1>
${follow}
${cardList(items, ctx, `No papers by ${name} in this library.`)}
${pagerNav(pager)}`;
}

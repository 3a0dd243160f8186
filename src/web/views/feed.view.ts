/** List pages: the daily/weekly/monthly feed, trending, a category, an author. */
import type { FeedItem } from '../../feed/feed.ts';
import { type Period, periodLabel, periodParam } from '../../feed/period.ts';
import { html, type SafeHtml } from '../html.ts';
import { cardList, type ListContext, type Pager, pagerNav } from './cards.view.ts';

export interface DailyView {
  period: Period;
  /** The day, week and month containing the period's first day, for the tabs. */
  tabs: { day: Period; week: Period; month: Period };
  items: FeedItem[];
  total: number;
  periodPager: Pager;
  pagePager: Pager;
  /** True when `/` fell back from today to the latest featured day. */
  fellBack: boolean;
}

export function dailyPage(v: DailyView, ctx: ListContext): SafeHtml {
  const tab = (p: Period, label: string) =>
    html`<a href="/papers?${periodParam(p)}"${p.kind === v.period.kind ? html` aria-current="page"` : ''}>${label}</a>`;
  const heading =
    v.period.kind === 'day'
      ? 'Daily papers'
      : v.period.kind === 'week'
        ? 'Papers of the week'
        : 'Papers of the month';
  return html`<h1>${heading} <span class="sub">${periodLabel(v.period)}</span></h1>
<div class="toolbar"><nav class="tabs" aria-label="Period">${tab(v.tabs.day, 'Day')}${tab(v.tabs.week, 'Week')}${tab(v.tabs.month, 'Month')}</nav>${pagerNav(v.periodPager)}</div>
${v.fellBack ? html`<p class="muted">Nothing featured today yet; showing the latest featured day.</p>` : ''}
${v.total ? html`<p class="muted">${v.total} paper${v.total === 1 ? '' : 's'}, most upvoted first.</p>` : ''}
${cardList(v.items, ctx, html`No papers featured ${v.period.kind === 'day' ? 'on this day' : `in this ${v.period.kind}`}. <a href="/submit">Submit one</a>.`)}
${pagerNav(v.pagePager)}`;
}

export function trendingPage(
  items: FeedItem[],
  category: string | null,
  pager: Pager,
  ctx: ListContext,
): SafeHtml {
  return html`<h1>Trending${category ? html` <span class="sub">in ${category}</span>` : ''}</h1>
<p class="muted">Upvotes (local and imported) halved for every day since a paper was featured.${category ? html` <a href="/trending">All categories</a>.` : ''}</p>
<form class="filter" method="get" action="/trending"><label for="cat">Category</label><input id="cat" type="text" name="cat" value="${category ?? ''}" placeholder="cs.CV" pattern="[A-Za-z.\\-]{1,40}"><button type="submit">Filter</button></form>
${cardList(items, ctx, 'No papers have votes or featurings yet.')}
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

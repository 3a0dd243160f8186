/**
 * Taking part: upvotes, paper submissions and discussion. Callers pass the signed-in user; every
 * rule about who may do what lives here, not in routes.
 */

import { ForbiddenError, InvalidInputError, NotFoundError, UpstreamUnavailableError } from '../errors.ts';
import type { FeedRepository } from '../feed/feed.ts';
import { isoDay } from '../feed/period.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import type { Paper, PaperInput } from '../papers/paper.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { Limit, RateLimiter } from './rate-limit.ts';
import type { Comment, CommunityRepository, User, VoteResult } from './types.ts';
import { canModerate } from './user.ts';

const SUBMISSIONS_PER_DAY = 10;
const COMMENTS_PER_DAY = 100;
const MAX_COMMENT_LENGTH = 5000;
const LIMITS = {
  commentBurst: { max: 10, windowMs: 10 * 60_000 },
  submitBurst: { max: 5, windowMs: 60_000 },
  votes: { max: 120, windowMs: 60_000 },
} satisfies Record<string, Limit>;

const DAY_MS = 86_400_000;
/**
 * How long a submission waits for arXiv. The upstream client retries with backoff (18 s in all
 * by default), which a reader at a form should not sit through (issue 16 item 7): past this the
 * fetch is cancelled and the reader told plainly, with the input kept by the page.
 */
export const SUBMIT_FETCH_MS = 5000;

export interface CommunityDeps {
  papers: Pick<PaperRepository, 'get' | 'upsertMany'>;
  community: CommunityRepository;
  feed: Pick<FeedRepository, 'stats'>;
  limiter: RateLimiter;
  /** Fetches one paper from the arXiv API (null when arXiv has no such id); `signal` cancels it. */
  fetchPaper: (arxivId: string, signal?: AbortSignal) => Promise<PaperInput | null>;
  /** Called after any change readers would see (the web layer drops its page cache). */
  changed?: () => void;
  now?: () => Date;
}

export type SubmitResult =
  | { status: 'featured'; paper: Paper; day: string; fetched: boolean }
  | { status: 'exists'; paper: Paper; day: string };

/** Plain text, trimmed, line endings unified, control characters (but newlines and tabs) dropped. */
export function cleanCommentBody(raw: string): string {
  const body = raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!body) throw new InvalidInputError('Write something first.');
  if (body.length > MAX_COMMENT_LENGTH)
    throw new InvalidInputError(`Comments can be at most ${MAX_COMMENT_LENGTH} characters.`);
  return body;
}

function mustTakePart(user: User): void {
  if (user.bannedAt) throw new ForbiddenError('This account is banned.');
  if (!user.emailVerifiedAt) throw new ForbiddenError('Confirm your email address first.');
}

export class CommunityService {
  readonly #d: CommunityDeps;
  readonly #now: () => Date;

  constructor(deps: CommunityDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async #paper(arxivId: string): Promise<Paper> {
    const parsed = parseArxivId(arxivId);
    const paper = parsed ? await this.#d.papers.get(parsed.id) : null;
    if (!paper) throw new NotFoundError(`Paper ${arxivId.slice(0, 60)} is not in this library.`);
    return paper;
  }

  /** Sets the vote to `up` (not a toggle), so repeats and races change nothing twice. */
  async vote(user: User, arxivId: string, up: boolean): Promise<VoteResult & { paper: Paper }> {
    mustTakePart(user);
    await this.#d.limiter.check(`vote:${user.id}`, LIMITS.votes);
    const paper = await this.#paper(arxivId);
    const r = await this.#d.community.setVote(user.id, paper.id, up, this.#now().toISOString());
    if (r.changed) this.#d.changed?.();
    return { ...r, paper };
  }

  /**
   * Features a paper on today's feed, fetching it from arXiv first when it is not stored. The input
   * must be an arXiv id or an arxiv.org URL: nothing else is ever fetched.
   */
  async submit(user: User, input: string): Promise<SubmitResult> {
    mustTakePart(user);
    const parsed = parseArxivId(input.trim());
    if (!parsed) throw new InvalidInputError('Give an arXiv id (2401.00001) or an arxiv.org/abs/… URL.');
    await this.#d.limiter.check(
      `submit:${user.id}`,
      LIMITS.submitBurst,
      'Slow down: a few submissions a minute at most.',
    );
    const now = this.#now();
    const sinceDay = new Date(now.getTime() - DAY_MS).toISOString();
    if ((await this.#d.community.submissionsSince(user.id, sinceDay)) >= SUBMISSIONS_PER_DAY)
      throw new InvalidInputError(`You can submit ${SUBMISSIONS_PER_DAY} papers a day; try again tomorrow.`);
    let paper = await this.#d.papers.get(parsed.id);
    let fetched = false;
    if (!paper) {
      const signal = AbortSignal.timeout(SUBMIT_FETCH_MS);
      const input = await this.#d.fetchPaper(parsed.id, signal).catch((err: unknown) => {
        const why = signal.aborted ? `no answer within ${SUBMIT_FETCH_MS / 1000} s` : (err as Error).message;
        throw new UpstreamUnavailableError(
          `arXiv cannot be reached right now (${why}), so ${parsed.id} could not be fetched. Nothing was submitted; try again in a few minutes.`,
        );
      });
      if (!input) throw new NotFoundError(`arXiv has no paper ${parsed.id}.`);
      await this.#d.papers.upsertMany([input]);
      paper = await this.#d.papers.get(parsed.id);
      if (!paper) throw new NotFoundError(`arXiv has no paper ${parsed.id}.`);
      fetched = true;
    }
    if (paper.withdrawnAt) throw new InvalidInputError(`${paper.arxivId} was withdrawn from arXiv.`);
    const day = isoDay(now.getTime());
    const r = await this.#d.community.submit({
      userId: user.id,
      userName: user.name,
      paperId: paper.id,
      day,
      now: now.toISOString(),
    });
    if (r.status === 'exists') return { status: 'exists', paper, day: r.day };
    this.#d.changed?.();
    return { status: 'featured', paper, day, fetched };
  }

  async comment(user: User, arxivId: string, rawBody: string, parentId: number | null): Promise<Comment> {
    mustTakePart(user);
    const body = cleanCommentBody(rawBody);
    await this.#d.limiter.check(
      `comment:${user.id}`,
      LIMITS.commentBurst,
      'Slow down: wait a few minutes before commenting again.',
    );
    const now = this.#now();
    if (
      (await this.#d.community.commentsSince(user.id, new Date(now.getTime() - DAY_MS).toISOString())) >=
      COMMENTS_PER_DAY
    )
      throw new InvalidInputError('You have reached the daily comment limit.');
    const paper = await this.#paper(arxivId);
    let parent: number | null = null;
    if (parentId !== null) {
      const p = await this.#d.community.comment(parentId);
      if (!p || p.paperId !== paper.id)
        throw new InvalidInputError('You can only reply to a comment on this paper.');
      // One level of replies: a reply to a reply joins its thread.
      parent = p.parentId ?? p.id;
    }
    const c = await this.#d.community.addComment({
      paperId: paper.id,
      userId: user.id,
      parentId: parent,
      body,
      now: now.toISOString(),
    });
    this.#d.changed?.();
    return c;
  }

  async #own(user: User, commentId: number): Promise<Comment> {
    const c = await this.#d.community.comment(commentId);
    if (!c || c.deletedAt) throw new NotFoundError('No such comment.');
    if (c.userId !== user.id) throw new ForbiddenError('You can only change your own comments.');
    return c;
  }

  async editComment(user: User, commentId: number, rawBody: string): Promise<Comment> {
    mustTakePart(user);
    const c = await this.#own(user, commentId);
    if (c.hiddenAt) throw new ForbiddenError('A moderator hid this comment; it cannot be edited.');
    await this.#d.community.editComment(c.id, cleanCommentBody(rawBody), this.#now().toISOString());
    this.#d.changed?.();
    return (await this.#d.community.comment(c.id))!;
  }

  async deleteComment(user: User, commentId: number): Promise<Comment> {
    const c = canModerate(user)
      ? await this.#d.community.comment(commentId)
      : await this.#own(user, commentId);
    if (!c) throw new NotFoundError('No such comment.');
    await this.#d.community.deleteComment(c.id, this.#now().toISOString());
    this.#d.changed?.();
    return c;
  }

  async hideComment(moderator: User, commentId: number, hidden: boolean): Promise<Comment> {
    if (!canModerate(moderator)) throw new ForbiddenError('Only moderators can hide comments.');
    const c = await this.#d.community.comment(commentId);
    if (!c) throw new NotFoundError('No such comment.');
    await this.#d.community.setHidden(c.id, hidden, this.#now().toISOString(), moderator.id);
    this.#d.changed?.();
    return c;
  }
}

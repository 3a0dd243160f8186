/**
 * Moderation (issue 16 item 16): readers report a paper or a comment with a reason; moderators
 * work the queue (resolve or dismiss) and ban with a reason. Every step is logged
 * (moderation.repo.ts) so the moderation page shows who did what and why.
 */
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { LogEntry, LogInput, ModerationRepository, Outcome, Report } from './moderation.repo.ts';
import type { Limit, RateLimiter } from './rate-limit.ts';
import type { CommunityRepository, User, UserRepository } from './types.ts';
import { canModerate } from './user.ts';

const MIN_REASON = 3;
const MAX_REASON = 1000;
/** Reports per reader: enough to flag a thread, too few to flood the queue. */
const REPORTS: Limit = { max: 10, windowMs: 10 * 60_000 };

export interface ModerationDeps {
  moderation: ModerationRepository;
  papers: Pick<PaperRepository, 'get'>;
  community: Pick<CommunityRepository, 'comment'>;
  users: Pick<UserRepository, 'byId'>;
  /** The account service's ban (it knows who may not be banned). */
  setBanned: (userId: number, banned: boolean) => Promise<void>;
  limiter: RateLimiter;
  now?: () => Date;
}

export type ReportTarget = { paper: string } | { comment: number };

/** A reason as typed: trimmed, one space for any run of whitespace, within bounds; else what to fix. */
function cleanReason(raw: string, what = 'reason'): string {
  const reason = raw
    .replace(/[\u0000-\u001F\u007F]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (reason.length < MIN_REASON)
    throw new InvalidInputError(
      `Give a ${what} (at least ${MIN_REASON} characters) so a moderator knows why.`,
    );
  if (reason.length > MAX_REASON)
    throw new InvalidInputError(
      `The ${what} can be at most ${MAX_REASON} characters (it has ${reason.length}).`,
    );
  return reason;
}

function mustModerate(user: User): void {
  if (!canModerate(user)) throw new ForbiddenError('Only moderators can do this.');
}

export class ModerationService {
  readonly #d: ModerationDeps;
  readonly #now: () => Date;

  constructor(deps: ModerationDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  #log(actor: User, target: string, reason: string): LogInput {
    return { actorId: actor.id, actorName: actor.name, target, reason, now: this.#now().toISOString() };
  }

  /** What a report form is about, for its page: the paper, and the comment when one is reported. */
  async subject(target: ReportTarget): Promise<{ arxivId: string; title: string; comment: string | null }> {
    const t = await this.#resolve(target);
    return { arxivId: t.arxivId, title: t.title, comment: t.commentBody };
  }

  async #resolve(target: ReportTarget) {
    if ('paper' in target) {
      const parsed = parseArxivId(target.paper);
      const paper = parsed ? await this.#d.papers.get(parsed.id) : null;
      if (!paper) throw new NotFoundError(`Paper ${target.paper.slice(0, 60)} is not in this library.`);
      return {
        paperId: paper.id,
        arxivId: paper.arxivId,
        title: paper.title,
        commentId: null,
        commentBody: null,
        label: `paper ${paper.arxivId}`,
      };
    }
    const c = await this.#d.community.comment(target.comment);
    if (!c || c.deletedAt) throw new NotFoundError('No such comment (it may have been deleted).');
    const paper = await this.#paperById(c.paperId);
    return {
      paperId: c.paperId,
      arxivId: paper.arxivId,
      title: paper.title,
      commentId: c.id,
      commentBody: c.body,
      label: `comment ${c.id} by ${c.userName} on ${paper.arxivId}`,
    };
  }

  async #paperById(paperId: number) {
    const ref = await this.#d.moderation.paperRef(paperId);
    if (!ref) throw new NotFoundError('No such paper.');
    return ref;
  }

  /** A signed-in reader's report; rate-limited per reader. Returns the report's id. */
  async report(user: User, target: ReportTarget, rawReason: string): Promise<number> {
    if (user.bannedAt) throw new ForbiddenError('This account is banned.');
    const reason = cleanReason(rawReason);
    await this.#d.limiter.check(
      `report:${user.id}`,
      REPORTS,
      'Slow down: a few reports every ten minutes at most.',
    );
    const t = await this.#resolve(target);
    return this.#d.moderation.addReport(
      { reporterId: user.id, paperId: t.paperId, commentId: t.commentId, reason },
      this.#log(user, t.label, reason),
    );
  }

  async queue(moderator: User, limit = 100): Promise<Report[]> {
    mustModerate(moderator);
    return this.#d.moderation.openReports(limit);
  }

  async log(moderator: User, limit = 100): Promise<LogEntry[]> {
    mustModerate(moderator);
    return this.#d.moderation.recentLog(limit);
  }

  /** Resolves (acted on) or dismisses (nothing to do) an open report; the note is optional. */
  async close(moderator: User, reportId: number, outcome: Outcome, note: string): Promise<void> {
    mustModerate(moderator);
    const r = await this.#d.moderation.report(reportId);
    if (!r) throw new NotFoundError('No such report.');
    const target = r.commentId === null ? `paper ${r.arxivId}` : `comment ${r.commentId} on ${r.arxivId}`;
    const why = note.trim() ? cleanReason(note, 'note') : '';
    const closed = await this.#d.moderation.closeReport(
      reportId,
      outcome,
      this.#log(moderator, `report ${r.id} (${target})`, why),
    );
    if (!closed) throw new InvalidInputError(`Report ${r.id} was already closed.`);
  }

  /** Bans (with a reason, confirmed) or unbans an account, and logs it. */
  async setBanned(
    moderator: User,
    userId: number,
    banned: boolean,
    rawReason: string,
    confirmed: boolean,
  ): Promise<void> {
    mustModerate(moderator);
    const user = await this.#d.users.byId(userId);
    if (!user) throw new NotFoundError('No such account.');
    if (user.id === moderator.id) throw new ForbiddenError('You cannot ban your own account.');
    const reason = banned || rawReason.trim() ? cleanReason(rawReason) : '';
    if (banned && !confirmed)
      throw new InvalidInputError(`Tick "I mean it" to confirm banning ${user.name}.`);
    await this.#d.setBanned(userId, banned);
    await this.#d.moderation.log(
      banned ? 'ban' : 'unban',
      this.#log(moderator, `account ${user.name}`, reason),
    );
  }
}

/**
 * All digest storage, split by concern: subscribers, consent (and export/erase), bounces and
 * suppression, secrets and rate counters, planning, the outbox, and runs. Each concern is an
 * interface (`<concern>.repo.ts`, with the SQL both dialects share) and one class per dialect
 * (`<concern>.sqlite.repo.ts`, `<concern>.pg.repo.ts`); digest.sqlite.repo.ts and digest.pg.repo.ts
 * hand this class one of each. It only composes them, so `store.digest.x(…)` reads the same
 * wherever it is called; the SQL and its reasons live in the part that owns the table.
 */
import type { DigestBounces } from './bounces.repo.ts';
import type { DigestConsent } from './consent.repo.ts';
import type { DigestOutbox } from './outbox.repo.ts';
import type { DigestPlanning } from './planning.repo.ts';
import type { DigestRuns } from './runs.repo.ts';
import type { DigestSecrets } from './secrets.repo.ts';
import type { DigestSubscribers } from './subscribers.repo.ts';

/** One repository per concern, all of one dialect. */
export interface DigestParts {
  subscribers: DigestSubscribers;
  consent: DigestConsent;
  bounces: DigestBounces;
  secrets: DigestSecrets;
  planning: DigestPlanning;
  outbox: DigestOutbox;
  runs: DigestRuns;
}

export class DigestRepository {
  readonly #subscribers: DigestSubscribers;
  readonly #consent: DigestConsent;
  readonly #bounces: DigestBounces;
  readonly #secrets: DigestSecrets;
  readonly #planning: DigestPlanning;
  readonly #outbox: DigestOutbox;
  readonly #runs: DigestRuns;

  constructor(parts: DigestParts) {
    this.#subscribers = parts.subscribers;
    this.#consent = parts.consent;
    this.#bounces = parts.bounces;
    this.#secrets = parts.secrets;
    this.#planning = parts.planning;
    this.#outbox = parts.outbox;
    this.#runs = parts.runs;
  }

  // ── subscribers (subscribers.repo.ts)
  readonly subscriberByEmail: DigestSubscribers['subscriberByEmail'] = (...a) =>
    this.#subscribers.subscriberByEmail(...a);
  readonly subscriber: DigestSubscribers['subscriber'] = (...a) => this.#subscribers.subscriber(...a);
  readonly requestSubscription: DigestSubscribers['requestSubscription'] = (...a) =>
    this.#subscribers.requestSubscription(...a);
  readonly confirm: DigestSubscribers['confirm'] = (...a) => this.#subscribers.confirm(...a);
  readonly setPreferences: DigestSubscribers['setPreferences'] = (...a) =>
    this.#subscribers.setPreferences(...a);
  readonly unsubscribe: DigestSubscribers['unsubscribe'] = (...a) => this.#subscribers.unsubscribe(...a);
  readonly setStatus: DigestSubscribers['setStatus'] = (...a) => this.#subscribers.setStatus(...a);
  readonly softBounce: DigestSubscribers['softBounce'] = (...a) => this.#subscribers.softBounce(...a);
  readonly expirePending: DigestSubscribers['expirePending'] = (...a) =>
    this.#subscribers.expirePending(...a);
  readonly confirmedAfter: DigestSubscribers['confirmedAfter'] = (...a) =>
    this.#subscribers.confirmedAfter(...a);
  readonly countByStatus: DigestSubscribers['countByStatus'] = (...a) =>
    this.#subscribers.countByStatus(...a);

  // ── consent (consent.repo.ts)
  readonly addConsent: DigestConsent['addConsent'] = (...a) => this.#consent.addConsent(...a);
  readonly consents: DigestConsent['consents'] = (...a) => this.#consent.consents(...a);
  readonly sentPaperList: DigestConsent['sentPaperList'] = (...a) => this.#consent.sentPaperList(...a);
  readonly erase: DigestConsent['erase'] = (...a) => this.#consent.erase(...a);

  // ── bounces (bounces.repo.ts)
  readonly logBounce: DigestBounces['logBounce'] = (...a) => this.#bounces.logBounce(...a);
  readonly bounces: DigestBounces['bounces'] = (...a) => this.#bounces.bounces(...a);
  readonly suppress: DigestBounces['suppress'] = (...a) => this.#bounces.suppress(...a);
  readonly sendable: DigestBounces['sendable'] = (...a) => this.#bounces.sendable(...a);
  readonly sendableMany: DigestBounces['sendableMany'] = (...a) => this.#bounces.sendableMany(...a);
  readonly suppression: DigestBounces['suppression'] = (...a) => this.#bounces.suppression(...a);
  readonly liftErasure: DigestBounces['liftErasure'] = (...a) => this.#bounces.liftErasure(...a);

  // ── secrets (secrets.repo.ts)
  readonly secret: DigestSecrets['secret'] = (...a) => this.#secrets.secret(...a);
  readonly rateHit: DigestSecrets['rateHit'] = (...a) => this.#secrets.rateHit(...a);

  // ── planning (planning.repo.ts)
  readonly candidatePapers: DigestPlanning['candidatePapers'] = (...a) =>
    this.#planning.candidatePapers(...a);
  readonly sentPapers: DigestPlanning['sentPapers'] = (...a) => this.#planning.sentPapers(...a);
  readonly existingFor: DigestPlanning['existingFor'] = (...a) => this.#planning.existingFor(...a);
  readonly plan: DigestPlanning['plan'] = (...a) => this.#planning.plan(...a);

  // ── outbox (outbox.repo.ts)
  readonly claim: DigestOutbox['claim'] = (...a) => this.#outbox.claim(...a);
  readonly releaseClaimsOfGone: DigestOutbox['releaseClaimsOfGone'] = (...a) =>
    this.#outbox.releaseClaimsOfGone(...a);
  readonly renewLeases: DigestOutbox['renewLeases'] = (...a) => this.#outbox.renewLeases(...a);
  readonly markSent: DigestOutbox['markSent'] = (...a) => this.#outbox.markSent(...a);
  readonly markSentMany: DigestOutbox['markSentMany'] = (...a) => this.#outbox.markSentMany(...a);
  readonly retryLater: DigestOutbox['retryLater'] = (...a) => this.#outbox.retryLater(...a);
  readonly finish: DigestOutbox['finish'] = (...a) => this.#outbox.finish(...a);
  readonly expireOverdue: DigestOutbox['expireOverdue'] = (...a) => this.#outbox.expireOverdue(...a);
  readonly nextDue: DigestOutbox['nextDue'] = (...a) => this.#outbox.nextDue(...a);
  readonly outbox: DigestOutbox['outbox'] = (...a) => this.#outbox.outbox(...a);
  readonly outboxFor: DigestOutbox['outboxFor'] = (...a) => this.#outbox.outboxFor(...a);
  readonly outboxByMessageId: DigestOutbox['outboxByMessageId'] = (...a) =>
    this.#outbox.outboxByMessageId(...a);
  readonly periodCounts: DigestOutbox['periodCounts'] = (...a) => this.#outbox.periodCounts(...a);

  // ── runs (runs.repo.ts)
  readonly startRun: DigestRuns['startRun'] = (...a) => this.#runs.startRun(...a);
  readonly updateRun: DigestRuns['updateRun'] = (...a) => this.#runs.updateRun(...a);
  readonly interruptRuns: DigestRuns['interruptRuns'] = (...a) => this.#runs.interruptRuns(...a);
  readonly recentRuns: DigestRuns['recentRuns'] = (...a) => this.#runs.recentRuns(...a);
}

/** The answers a search gets when it runs out of time or finds every slot taken (keyword-pool.ts). */
import { QueryTooBroadError, SearchBusyError } from '../errors.ts';

export interface KeywordBudget {
  /** Wall-clock budget of one keyword task, queueing included. */
  searchBudgetMs: number;
  /** Worker threads (SQLite); 0 = one per core, at least two. */
  searchWorkers: number;
  /**
   * Run on the calling thread (a one-shot CLI search, which has no other requests to protect and
   * would spend longer starting a worker than searching); the budget is then not enforced on SQLite.
   */
  inProcess?: boolean;
  /** Start the pool's workers at once (a server at startup) rather than on the first search. */
  warm?: boolean;
}

export const tooBroad = (budgetMs: number) =>
  new QueryTooBroadError(
    `This search took longer than ${(budgetMs / 1000).toFixed(1)} s and was stopped: it matches too much. ` +
      'Narrow it: use whole words or longer prefixes (con* → convolution), fewer OR alternatives, ' +
      'or add a filter such as cat:cs.LG or after:2024-01-01.',
  );

export const busy = () =>
  new SearchBusyError('The server is busy with other searches; try again in a few seconds.', 2);

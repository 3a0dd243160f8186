export type AlertEventType =
  | 'search.match'
  | 'author.match'
  | 'category.match'
  | 'paper.version'
  | 'paper.code'
  | 'paper.trending';
export interface AlertEvent {
  id: number;
  userId: number;
  alertId: number;
  type: AlertEventType;
  paperId: number;
  arxivId: string;
  title: string;
  link: string;
  reason: string;
  createdAt: string;
}
/**
 * Told after the event computation's transaction committed webhook deliveries along with their
 * events (alerts.*.repo.ts `record`), so a worker in the same process can look at once instead
 * of at its next poll. Only a wake-up: the deliveries are already stored, and a process that
 * dies before (or while) this is called loses nothing.
 */
export interface WebhookSink {
  queued(deliveries: number): void;
}

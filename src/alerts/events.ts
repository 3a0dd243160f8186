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
/** Implemented by the webhook side; the events side calls it for alerts whose delivery includes 'webhook'. */
export interface WebhookSink {
  enqueue(events: AlertEvent[]): Promise<void>;
}

/** The part of autocannon's API the http bench uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }
  export interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    statusCodeStats: Record<string, { count: number }>;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    headers?: Record<string, string>;
    /** Stop after this many requests (instead of after `duration`). */
    amount?: number;
    /** Each connection sends these in turn; `setupRequest` may change each one before it is sent. */
    requests?: {
      method?: string;
      path: string;
      setupRequest?: (req: { headers?: Record<string, string> }) => {
        headers?: Record<string, string>;
      };
    }[];
  }
  export default function autocannon(options: Options): Promise<Result>;
}

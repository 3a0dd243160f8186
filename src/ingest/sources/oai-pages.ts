/**
 * Reads an OAI-PMH listing ahead of the harvester. As soon as a page's bytes arrive, its
 * resumptionToken is read from the end of the document and the next page is requested, so the
 * download of page N+1 and the parsing of pages N and N+1 (in worker threads) overlap with storing
 * page N. Requests still go one at a time through the shared client, with its interval.
 *
 * A peeked token is only a guess: the harvester asks for the page it wants by URL, and a guess
 * that turns out wrong (a different token, a broken page) is dropped and fetched again. Nothing is
 * committed from a page the harvester has not asked for, so resuming after a crash is unchanged.
 */
import type { HttpResponse } from '../http.ts';
import type { ParsedOaiPage, ParsePool } from '../parse-pool.ts';

export interface FetchedPage {
  res: HttpResponse;
  /** Null when the status was not 200. */
  page: ParsedOaiPage | null;
}

interface Entry {
  url: string;
  done: Promise<FetchedPage>;
  /** The harvester went another way; do not read ahead from this one. */
  dropped: boolean;
}

const TOKEN = /<resumptionToken\b[^>]*>([^<]+)<\/resumptionToken>\s*<\/ListRecords>\s*<\/OAI-PMH>\s*$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The resumptionToken at the end of a ListRecords page, without parsing it; null if none or unsure. */
export function peekToken(body: Buffer): string | null {
  const tail = body.subarray(Math.max(0, body.length - 4096)).toString('utf8');
  const m = TOKEN.exec(tail);
  if (!m) return null;
  // Numeric references and the like: leave it to the real parser.
  if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[1]!)) return null;
  const t = m[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!).trim();
  return t || null;
}

export class PageReader {
  readonly #fetch: (url: string) => Promise<HttpResponse>;
  readonly #pool: ParsePool;
  readonly #now: Date;
  readonly #tokenUrl: (token: string) => string;
  readonly #depth: number;
  readonly #prepare: boolean;
  #queue: Entry[] = [];

  constructor(o: {
    fetch: (url: string) => Promise<HttpResponse>;
    pool: ParsePool;
    now: Date;
    tokenUrl: (token: string) => string;
    /** Pages requested ahead of the one being stored. */
    depth?: number;
    /** Flatten records for direct storage (see ParsePool). */
    prepare: boolean;
  }) {
    this.#prepare = o.prepare;
    this.#fetch = o.fetch;
    this.#pool = o.pool;
    this.#now = o.now;
    this.#tokenUrl = o.tokenUrl;
    this.#depth = o.depth ?? 2;
  }

  /** The page at `url`: from the read-ahead queue when it was guessed right, else fetched now. */
  read(url: string): Promise<FetchedPage> {
    const head = this.#queue[0];
    if (head?.url === url) {
      this.#queue.shift();
      return head.done;
    }
    this.drop();
    return this.#start(url).done;
  }

  /** Stop reading ahead (the harvester stops or changes course). */
  drop(): void {
    for (const e of this.#queue) e.dropped = true;
    this.#queue = [];
  }

  #start(url: string): Entry {
    const entry: Entry = { url, dropped: false, done: Promise.resolve(null as never) };
    entry.done = this.#fetch(url).then((res) => {
      if (res.status !== 200) return { res, page: null };
      const token = peekToken(res.body);
      if (token && !entry.dropped && this.#queue.length < this.#depth)
        this.#queue.push(this.#start(this.#tokenUrl(token)));
      return this.#pool.parse(res.body, this.#now, this.#prepare).then((page) => ({ res, page }));
    });
    entry.done.catch(() => {}); // a dropped guess may fail unobserved; a wanted one is awaited
    return entry;
  }
}

/**
 * Shared shapes for the upstream parsers. Every parser is pure (bytes in, records out) and never
 * throws on bad input: problems become `ParseIssue`s so one bad entry never loses its neighbours.
 */
import type { PaperInput } from '../../papers/paper.ts';

/** Upstream bytes. Buffers are decoded leniently (invalid UTF-8 becomes U+FFFD, then the record is rejected). */
export type ParserInput = string | Uint8Array;

export type AnnounceType = 'new' | 'cross' | 'replace' | 'replace-cross';

export type ParsedRecord =
  | {
      kind: 'paper';
      paper: PaperInput;
      /** RSS only: why the paper is in today's feed. */
      announceType?: AnnounceType;
      /** OAI only: the header datestamp (last-modified day, YYYY-MM-DD). */
      datestamp?: string;
      /** OAI only: header setSpecs. */
      sets?: string[];
    }
  | { kind: 'deleted'; arxivId: string; datestamp: string; sets?: string[] };

export interface ParseIssue {
  /** Human-readable location: "record 17 (2401.00001) at line 230", "entry 3", "line 4:12", "item 2". */
  where: string;
  reason: string;
}

export interface ParseOptions {
  /** Clock for the "date in the future" check; tests pin it. Defaults to the real time. */
  now?: Date;
}

/** Common to every parser result. */
export interface ParseResultBase {
  records: ParsedRecord[];
  /** Per-record rejections and notes (duplicates). The document-level failure is in `fatal`. */
  errors: ParseIssue[];
  /** Entries seen in the document (complete ones), so callers can check records + rejected = seen. */
  seen: number;
  /**
   * The document as a whole failed (not XML, truncated, DOCTYPE refused, …). `records` still holds
   * every complete record before the break; paging info must then not be trusted.
   */
  fatal: ParseIssue | null;
}

// Caps: upstream values beyond these are hostile or broken; the record is rejected, not truncated,
// so that a clipped title never gets stored as if it were the real one.
export const MAX_TITLE_CHARS = 2_000;
export const MAX_ABSTRACT_CHARS = 20_000;
/** comments, journal-ref, doi, report-no, license, submitter, each author name. */
export const MAX_FIELD_CHARS = 4_000;
/** Large collaborations reach ~3,000 authors; far beyond that is garbage. */
export const MAX_AUTHORS = 10_000;
/** Dates later than now + this are rejected; RSS pubDates are midnight US Eastern of the next day. */
export const FUTURE_TOLERANCE_MS = 2 * 24 * 3600 * 1000;
/** arXiv started in August 1991; anything earlier is an impossible date. */
export const EARLIEST_DATE = '1991-01-01T00:00:00.000Z';

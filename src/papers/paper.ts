/**
 * The paper model shared by every stage: sources produce `PaperInput`, the repository stores it,
 * views read `Paper`. Ids are always canonical (see arxiv-id.ts): `2210.11078`, `hep-th/9901001`,
 * never with a version suffix; the version lives in `version`.
 */

export interface Author {
  /** Display name as written, accents resolved: "Jürgen Schmidhuber". */
  name: string;
  keyname: string;
  forenames: string;
  suffix: string;
  affiliation: string | null;
}

export interface PaperVersion {
  version: number;
  /** ISO 8601 UTC timestamp. */
  createdAt: string;
  size?: string | null;
}

export type LinkKind = 'code' | 'project';

export interface PaperLink {
  kind: LinkKind;
  url: string;
  /** e.g. "github.com"; shown beside the link so readers know where it goes. */
  host: string;
}

/** What a source hands to the repository: one normalized record. */
export interface PaperInput {
  arxivId: string;
  /** Latest version known to the source (1 when the source does not say). */
  version: number;
  title: string;
  abstract: string;
  authors: Author[];
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  submitter: string | null;
  /** Primary first. */
  categories: string[];
  versions: PaperVersion[];
  /** ISO timestamp of v1. */
  submittedAt: string;
  /** ISO timestamp of the latest version (or the source's update date). */
  updatedAt: string;
  links: PaperLink[];
}

/** A stored paper. */
export interface Paper extends PaperInput {
  /** Internal row id. */
  id: number;
  primaryCategory: string;
  ingestedAt: string;
  demo: boolean;
  /** YYYY-MM-DD arXiv deleted the record (OAI-PMH `status="deleted"`); null/absent while live. */
  withdrawnAt?: string | null;
}

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

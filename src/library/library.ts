/**
 * The library's rules (issue 14, item 1): who may see and change a collection, names, the lazy
 * default "Saved" collection, and imports. Routes pass the signed-in user; nothing here knows HTTP.
 */
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import type { Paper } from '../papers/paper.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { Limit, RateLimiter } from '../users/rate-limit.ts';
import type { User } from '../users/types.ts';
import { type ImportEntry, readBibtex, readPaste } from './import.ts';
import type { Collection, LibraryRepository } from './types.ts';

const DEFAULT_COLLECTION = 'Saved';
const MAX_NAME = 100;
/** Collections per account: a library, not a storage service. */
const MAX_COLLECTIONS = 200;
/**
 * Ids or entries per import. Up to this many are checked and added in one transaction (10,000
 * take ~0.1 s on SQLite here); a larger import is refused whole, with its count, so a reader
 * never wonders which part went in.
 */
export const MAX_IMPORT_ENTRIES = 10_000;
const LIMITS = {
  changes: { max: 600, windowMs: 60_000 },
  imports: { max: 20, windowMs: 10 * 60_000 },
} satisfies Record<string, Limit>;

export interface LibraryDeps {
  library: LibraryRepository;
  papers: Pick<PaperRepository, 'get'>;
  limiter: RateLimiter;
  /** Called after a change readers of shared pages would see (public collections). */
  changed?: () => void;
  now?: () => Date;
}

export type ImportOutcome = 'added' | 'already' | 'missing' | 'unreadable';
export interface ImportLine extends ImportEntry {
  outcome: ImportOutcome;
}
export interface ImportReport {
  collection: Collection;
  lines: ImportLine[];
  counts: Record<ImportOutcome, number>;
}

/** Trimmed, one line, control and bidi-override characters dropped; 1–100 characters. */
function cleanName(raw: string): string {
  const name = raw
    .replace(/[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name) throw new InvalidInputError('Give the collection a name.');
  if (name.length > MAX_NAME)
    throw new InvalidInputError(
      `A collection name can be at most ${MAX_NAME} characters (this one has ${name.length}).`,
    );
  return name;
}

export class LibraryService {
  readonly #d: LibraryDeps;
  readonly #now: () => Date;

  constructor(deps: LibraryDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  #at(): string {
    return this.#now().toISOString();
  }

  async #limit(user: User, kind: keyof typeof LIMITS): Promise<void> {
    await this.#d.limiter.check(`library-${kind}:${user.id}`, LIMITS[kind]);
  }

  async #paper(arxivId: string): Promise<Paper> {
    const parsed = parseArxivId(arxivId);
    const paper = parsed ? await this.#d.papers.get(parsed.id) : null;
    if (!paper) throw new NotFoundError(`Paper ${arxivId.slice(0, 60)} is not in this library.`);
    return paper;
  }

  /** A collection its owner may change; anyone else gets the same 404 as for no collection. */
  async own(user: User, id: number): Promise<Collection> {
    const c = Number.isSafeInteger(id) ? await this.#d.library.collection(id) : null;
    if (!c || c.userId !== user.id) throw new NotFoundError('No such collection.');
    return c;
  }

  /** A collection `viewer` may read: their own, or a public one. Private ones are 404 to others. */
  async readable(viewer: User | null, id: number): Promise<Collection> {
    const c = Number.isSafeInteger(id) ? await this.#d.library.collection(id) : null;
    if (!c || (!c.isPublic && c.userId !== viewer?.id)) throw new NotFoundError('No such collection.');
    return c;
  }

  collections(user: User): Promise<Collection[]> {
    return this.#d.library.collections(user.id);
  }

  async create(user: User, rawName: string, isPublic = false): Promise<Collection> {
    await this.#limit(user, 'changes');
    const name = cleanName(rawName);
    if (isPublic) mayPublish(user);
    const count = (await this.#d.library.collections(user.id)).length;
    if (count >= MAX_COLLECTIONS)
      throw new InvalidInputError(
        `You have ${count} collections, the most an account can have; delete one first.`,
      );
    return this.#d.library.create({ userId: user.id, name, isPublic, now: this.#at() });
  }

  async rename(user: User, id: number, rawName: string): Promise<Collection> {
    await this.#limit(user, 'changes');
    const c = await this.own(user, id);
    await this.#d.library.update(c.id, { name: cleanName(rawName) }, this.#at());
    this.#d.changed?.();
    return (await this.#d.library.collection(c.id))!;
  }

  async setPublic(user: User, id: number, isPublic: boolean): Promise<Collection> {
    await this.#limit(user, 'changes');
    const c = await this.own(user, id);
    if (isPublic) mayPublish(user);
    await this.#d.library.update(c.id, { isPublic }, this.#at());
    this.#d.changed?.();
    return (await this.#d.library.collection(c.id))!;
  }

  async remove(user: User, id: number): Promise<Collection> {
    await this.#limit(user, 'changes');
    const c = await this.own(user, id);
    await this.#d.library.remove(c.id);
    this.#d.changed?.();
    return c;
  }

  /** Saves to `collectionId`, or to the default "Saved" collection (made on the first save). */
  async save(user: User, arxivId: string, collectionId?: number) {
    await this.#limit(user, 'changes');
    const paper = await this.#paper(arxivId);
    let r: { collectionId: number; added: boolean };
    if (collectionId === undefined)
      r = await this.#d.library.addToDefault(user.id, paper.id, DEFAULT_COLLECTION, this.#at());
    else {
      const c = await this.own(user, collectionId);
      r = { collectionId: c.id, added: await this.#d.library.add(c.id, user.id, paper.id, this.#at()) };
    }
    this.#d.changed?.();
    return { paper, ...r, saved: true };
  }

  /** Takes the paper out of every collection of the reader (the card's "saved" toggle). */
  async unsave(user: User, arxivId: string) {
    await this.#limit(user, 'changes');
    const paper = await this.#paper(arxivId);
    const removedFrom = await this.#d.library.unsave(user.id, paper.id);
    this.#d.changed?.();
    return { paper, removedFrom, saved: false };
  }

  async removeFrom(user: User, collectionId: number, arxivId: string) {
    await this.#limit(user, 'changes');
    const c = await this.own(user, collectionId);
    const paper = await this.#paper(arxivId);
    const removed = await this.#d.library.removeFrom(c.id, paper.id);
    this.#d.changed?.();
    return { collection: c, paper, removed };
  }

  /**
   * Fills a collection from a pasted list and/or a .bib text. Every line or entry is answered;
   * what was already in the collection is never touched (the repository only inserts).
   */
  async import(
    user: User,
    collectionId: number,
    input: { paste?: string; bibtex?: string },
  ): Promise<ImportReport> {
    const c = await this.own(user, collectionId);
    const entries = [
      ...(input.paste ? readPaste(input.paste) : []),
      ...(input.bibtex ? readBibtex(input.bibtex) : []),
    ];
    if (entries.length === 0)
      throw new InvalidInputError('Nothing to import: paste arXiv ids or URLs, or choose a .bib file.');
    if (entries.length > MAX_IMPORT_ENTRIES)
      throw new InvalidInputError(
        `This import has ${entries.length.toLocaleString('en')} ids or entries; at most ${MAX_IMPORT_ENTRIES.toLocaleString('en')} go in one import. Nothing was added: split the list and import the parts one after another.`,
      );
    await this.#limit(user, 'imports');
    const ids = [...new Set(entries.flatMap((e) => (e.id ? [e.id] : [])))];
    const r = ids.length
      ? await this.#d.library.addArxivIds(c.id, user.id, ids, this.#at())
      : { added: new Set<string>(), already: new Set<string>(), missing: new Set<string>() };
    const seen = new Set<string>();
    const lines = entries.map((e): ImportLine => {
      if (!e.id) return { ...e, outcome: 'unreadable' };
      const first = !seen.has(e.id);
      seen.add(e.id);
      if (r.missing.has(e.id)) return { ...e, outcome: 'missing' };
      return { ...e, outcome: first && r.added.has(e.id) ? 'added' : 'already' };
    });
    const counts = { added: 0, already: 0, missing: 0, unreadable: 0 };
    for (const l of lines) counts[l.outcome]++;
    if (counts.added) this.#d.changed?.();
    return { collection: (await this.#d.library.collection(c.id))!, lines, counts };
  }
}

/** Public collections show their name and papers to anyone: only confirmed accounts may publish. */
function mayPublish(user: User): void {
  if (!user.emailVerifiedAt)
    throw new ForbiddenError('Confirm your email address before making a collection public.');
}

/** A reader's library (issue 14, item 1): collections of papers, and the repository both dialects implement. */

export interface Collection {
  id: number;
  userId: number;
  name: string;
  /** The account's "Saved" collection, which the one-click save fills. */
  isDefault: boolean;
  isPublic: boolean;
  createdAt: string;
  updatedAt: string;
  paperCount: number;
}

/** What an import did with the arXiv ids it was given (canonical ids, no versions). */
export interface AddResult {
  added: Set<string>;
  already: Set<string>;
  /** Valid ids of papers this site does not have. */
  missing: Set<string>;
}

/** Everything the library holds for one account (the data export). */
export interface LibraryExport {
  collections: {
    id: number;
    name: string;
    isDefault: boolean;
    isPublic: boolean;
    createdAt: string;
    updatedAt: string;
    papers: { arxivId: string; addedAt: string }[];
  }[];
}

export interface LibraryRepository {
  /** The account's collections, the default first, then oldest first, with paper counts. */
  collections(userId: number): Promise<Collection[]>;
  collection(id: number): Promise<Collection | null>;
  create(c: { userId: number; name: string; isPublic: boolean; now: string }): Promise<Collection>;
  /** The default collection, made (named `name`) if the account has none; safe under races. */
  ensureDefault(userId: number, name: string, now: string): Promise<Collection>;
  update(id: number, change: { name?: string; isPublic?: boolean }, now: string): Promise<void>;
  /** Deletes the collection and its entries (the papers themselves stay). */
  remove(id: number): Promise<void>;

  /** Adds a paper; false when it was already there. The collection's owner is `userId`. */
  add(collectionId: number, userId: number, paperId: number, now: string): Promise<boolean>;
  /** Adds to the default collection (made if missing) in one transaction; its id and whether it was new. */
  addToDefault(
    userId: number,
    paperId: number,
    defaultName: string,
    now: string,
  ): Promise<{ collectionId: number; added: boolean }>;
  removeFrom(collectionId: number, paperId: number): Promise<boolean>;
  /** Takes the paper out of every collection of the account; how many it was in. */
  unsave(userId: number, paperId: number): Promise<number>;
  /**
   * Adds papers by canonical arXiv id in one transaction: each id is added, already there, or
   * missing (no such paper here). Nothing already in the collection changes.
   */
  addArxivIds(collectionId: number, userId: number, arxivIds: string[], now: string): Promise<AddResult>;

  /** Row ids of the collection's papers, newest added first, and how many there are. */
  paperIds(collectionId: number, limit: number, offset: number): Promise<{ ids: number[]; total: number }>;
  /**
   * Papers in any collection of the account (distinct row ids), most recently saved first, at most
   * `limit`: the For-you positives.
   */
  savedPaperIds(userId: number, limit?: number): Promise<number[]>;
  /** Which of these papers the account has in any collection (for rendering cards). */
  savedAmong(userId: number, paperIds: number[]): Promise<Set<number>>;
  /** Ids of the account's collections holding the paper. */
  collectionsWith(userId: number, paperId: number): Promise<number[]>;

  /** The account's whole library, for the data export. */
  exportFor(userId: number): Promise<LibraryExport>;
  /** Deletes the account's whole library (account deletion also cascades from `users`). */
  deleteAllFor(userId: number): Promise<void>;
}

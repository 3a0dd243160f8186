/**
 * Tokenize + stem exactly as the search index does, by asking SQLite's own FTS5 tokenizer
 * (`porter unicode61 remove_diacritics 2`) through an fts5vocab 'instance' table. Reimplementing
 * Porter in JS would be one more thing that could disagree with the index the ground truth is for.
 */
import { DatabaseSync } from 'node:sqlite';

export const TOKENIZE = 'porter unicode61 remove_diacritics 2';

/** Stemmed tokens of each text, in order. */
export function stemTexts(texts: readonly string[]): string[][] {
  const db = new DatabaseSync(':memory:');
  try {
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '${TOKENIZE}');
      CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`);
    const insert = db.prepare('INSERT INTO t(rowid, x) VALUES (?, ?)');
    db.exec('BEGIN');
    for (const [i, text] of texts.entries()) insert.run(i + 1, text);
    db.exec('COMMIT');
    const out: string[][] = texts.map(() => []);
    const rows = db.prepare('SELECT term, doc FROM v ORDER BY doc, offset').all() as {
      term: string;
      doc: number;
    }[];
    for (const r of rows) out[r.doc - 1]!.push(r.term);
    return out;
  } finally {
    db.close();
  }
}

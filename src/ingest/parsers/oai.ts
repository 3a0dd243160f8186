/**
 * OAI-PMH `ListRecords` (and `GetRecord`) responses from arXiv, in the `arXiv` and `arXivRaw`
 * metadata formats. Paging and protocol errors are returned, never thrown; the harvester decides.
 */
import { authorsFromParsed, parseAuthors } from '../../papers/authors.ts';
import type { Author } from '../../papers/paper.ts';
import {
  arxivIdFrom,
  buildPaper,
  checkDate,
  cleanText,
  dedupe,
  type Located,
  locate,
  type PaperDraft,
} from './record.ts';
import type { ParseIssue, ParseOptions, ParseResultBase, ParserInput } from './types.ts';
import { child, children, parseXml, taintOf, textLengthOf, textOf, type XmlElement } from './xml.ts';

const OAI_NS = 'http://www.openarchives.org/OAI/2.0/';
const ARXIV_NS = 'http://arxiv.org/OAI/arXiv/';
const ARXIV_RAW_NS = 'http://arxiv.org/OAI/arXivRaw/';

interface ResumptionToken {
  token: string;
  expirationDate: string | null;
  /** arXiv sends neither cursor nor completeListSize today; other repositories do. */
  cursor: number | null;
  completeListSize: number | null;
}

interface OaiError {
  code: string;
  message: string;
}

export interface OaiPage extends ParseResultBase {
  responseDate: string | null;
  /** Token for the next page; null when absent or empty (`<resumptionToken/>` ends the list). */
  resumptionToken: ResumptionToken | null;
  /**
   * The list is finished: a complete document with no further token, or `noRecordsMatch`.
   * False whenever `fatal` or a real `oaiError` is set — the harvester must retry or recover.
   */
  done: boolean;
  /** `<error code=…>` from inside a 200 response. `noRecordsMatch` is reported here but is not a failure. */
  oaiError: OaiError | null;
}

export function parseOaiListRecords(input: ParserInput, opts: ParseOptions = {}): OaiPage {
  const doc = parseXml(input);
  const page: OaiPage = {
    records: [],
    errors: [],
    seen: 0,
    fatal: doc.fatal,
    responseDate: null,
    resumptionToken: null,
    done: false,
    oaiError: null,
  };
  const root = doc.root;
  if (!root) return page;
  if (root.local !== 'OAI-PMH' || root.uri !== OAI_NS) {
    page.fatal ??= { where: 'line 1', reason: `not an OAI-PMH response (root element <${root.local}>)` };
    return page;
  }
  page.responseDate = cleanText(textOf(child(root, 'responseDate', OAI_NS))) || null;

  const error = child(root, 'error', OAI_NS);
  if (error) {
    page.oaiError = { code: error.attrs.code ?? 'unknown', message: cleanText(textOf(error)) };
  }
  const list = child(root, 'ListRecords', OAI_NS) ?? child(root, 'GetRecord', OAI_NS);
  if (!list && !error && !page.fatal) {
    page.fatal = { where: 'line 1', reason: 'response has neither ListRecords nor error' };
  }

  const located: Located[] = [];
  children(list, 'record', OAI_NS).forEach((rec, i) => {
    if (!rec.closed) return; // cut off by a document-level failure, reported in `fatal`
    page.seen++;
    const item = parseRecord(rec, i + 1, opts);
    if ('reason' in item) page.errors.push(item);
    else located.push(item);
  });
  page.records = dedupe(located, page.errors);

  const rt = child(list, 'resumptionToken', OAI_NS);
  const token = cleanText(textOf(rt));
  if (rt && token && rt.closed) {
    page.resumptionToken = {
      token,
      expirationDate: rt.attrs.expirationDate ?? null,
      cursor: toInt(rt.attrs.cursor),
      completeListSize: toInt(rt.attrs.completeListSize),
    };
  }
  const harmless = !page.oaiError || page.oaiError.code === 'noRecordsMatch';
  page.done = !page.fatal && harmless && !page.resumptionToken && Boolean(list?.closed || page.oaiError);
  return page;
}

function toInt(s: string | undefined): number | null {
  const n = s === undefined ? Number.NaN : Number(s.trim());
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function parseRecord(rec: XmlElement, n: number, opts: ParseOptions): Located | ParseIssue {
  const header = child(rec, 'header', OAI_NS);
  const identifier = textOf(child(header, 'identifier', OAI_NS));
  const where = locate(
    'record',
    n,
    identifier ? cleanText(identifier).replace(/^oai:arXiv\.org:/, '') : null,
    rec.line,
  );
  const reject = (reason: string): ParseIssue => ({ where, reason });

  const taint = taintOf(rec);
  if (taint) return reject(taint);
  if (!header) return reject('record has no header');

  const sets = children(header, 'setSpec', OAI_NS).map((s) => cleanText(textOf(s)));
  const datestamp = checkDate(textOf(child(header, 'datestamp', OAI_NS)), 'datestamp', opts);
  if (datestamp && typeof datestamp !== 'string') return reject(datestamp.reason);
  const day = datestamp?.slice(0, 10);

  if (header.attrs.status === 'deleted') {
    const id = arxivIdFrom(identifier);
    if (!id) return reject(identifier ? 'identifier is not an arXiv id' : 'missing identifier');
    if (!day) return reject('deleted record without datestamp');
    return { where, record: { kind: 'deleted', arxivId: id.id, datestamp: day, sets } };
  }

  const meta = child(rec, 'metadata', OAI_NS)?.children[0];
  let draft: PaperDraft;
  if (meta?.uri === ARXIV_NS && meta.local === 'arXiv') draft = fromArxiv(meta);
  else if (meta?.uri === ARXIV_RAW_NS && meta.local === 'arXivRaw') draft = fromArxivRaw(meta);
  else
    return reject(
      meta ? `unsupported metadata format <${meta.local}> (${meta.uri})` : 'record has no metadata',
    );
  draft.id ??= identifier; // the header identifier names the same paper

  const built = buildPaper(draft, opts);
  if (!built.ok) return reject(built.reason);
  const headerId = arxivIdFrom(identifier);
  if (headerId && headerId.id !== built.paper.arxivId) {
    return reject(`header identifier ${headerId.id} does not match metadata id ${built.paper.arxivId}`);
  }
  return { where, record: { kind: 'paper', paper: built.paper, ...(day ? { datestamp: day } : {}), sets } };
}

/** Text of a metadata field, or null when the element is absent or empty. */
function field(meta: XmlElement, name: string): string | null {
  const t = cleanText(textOf(child(meta, name, meta.uri)));
  return t === '' ? null : t;
}

function common(meta: XmlElement): PaperDraft {
  const title = child(meta, 'title', meta.uri);
  const abstract = child(meta, 'abstract', meta.uri);
  return {
    id: field(meta, 'id'),
    title: textOf(title),
    titleLength: textLengthOf(title),
    abstract: textOf(abstract),
    abstractLength: textLengthOf(abstract),
    authors: [],
    comments: field(meta, 'comments'),
    journalRef: field(meta, 'journal-ref'),
    doi: field(meta, 'doi'),
    reportNo: field(meta, 'report-no'),
    license: field(meta, 'license'),
    categories: [field(meta, 'categories') ?? ''],
    submitted: null,
  };
}

/** `metadataPrefix=arXiv`: structured authors, created/updated days, no version history. */
function fromArxiv(meta: XmlElement): PaperDraft {
  // authorsFromParsed resolves LaTeX accents and joins affiliations, as for the snapshot; an
  // author with neither keyname nor forenames is dropped.
  const authors: Author[] = children(child(meta, 'authors', ARXIV_NS), 'author', ARXIV_NS).flatMap((a) => {
    const part = (name: string) => cleanText(textOf(child(a, name, ARXIV_NS)));
    const affs = children(a, 'affiliation', ARXIV_NS).map((x) => cleanText(textOf(x)));
    return authorsFromParsed([[part('keyname'), part('forenames'), part('suffix'), ...affs]]);
  });
  // The format gives no version numbers: `version` stays 1 ("source does not say"), `updated`
  // still becomes updatedAt so the repository can tell a newer version exists.
  return { ...common(meta), authors, submitted: field(meta, 'created'), updated: field(meta, 'updated') };
}

/** `metadataPrefix=arXivRaw`: one authors string, full version history with RFC 822 dates. */
function fromArxivRaw(meta: XmlElement): PaperDraft {
  const versions = children(meta, 'version', ARXIV_RAW_NS).map((v) => ({
    version: Number(/^v(\d+)$/.exec((v.attrs.version ?? '').trim())?.[1] ?? Number.NaN),
    date: cleanText(textOf(child(v, 'date', ARXIV_RAW_NS))) || null,
    size: cleanText(textOf(child(v, 'size', ARXIV_RAW_NS))) || null,
  }));
  const authors = field(meta, 'authors');
  return {
    ...common(meta),
    submitter: field(meta, 'submitter'),
    authors: authors ? parseAuthors(authors) : [],
    versions,
    submitted: null,
  };
}

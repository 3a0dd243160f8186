/**
 * Code and project-page links found in an abstract or the comments field, shown beside a paper.
 * Rules: code = github.com / gitlab.com / bitbucket.org repos (normalized to
 * `https://host/owner/repo`, `/tree/...`, `.git` and trailing punctuation dropped, case kept) and
 * huggingface.co models, datasets and spaces; project = any other http(s) URL on a `*.github.io`
 * host or with "project page" / "website" / "homepage" / "demo" written right next to it.
 * arxiv.org, doi.org and e-mail addresses are ignored. URLs may lack a scheme or sit in
 * `\url{}` / `\href{}`; a URL ends at whitespace (hard-wrapped lines are never joined).
 * De-duplicated case-insensitively, first occurrence wins. Runs per imported record: one cheap
 * substring test before any parsing, all regexes compiled once here.
 */
import type { PaperLink } from './paper.ts';

const QUICK_RE = /http|github|gitlab|hugging|bitbucket|www\.|\\url|\\href/i;
const LATEX_ESC_RE = /\\([_&%#~])/g;
// One char class per alternative, no nested quantifiers: linear on any input.
const CANDIDATE_RE =
  /https?:\/\/[^\s<>"{}\\|^`]+|(?<![\w@./-])(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|bitbucket\.org)\/[^\s<>"{}\\|^`]+|(?<![\w@./-])www\.[^\s<>"{}\\|^`]+/gi;
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ']', '}', '>', '*']);
const SCHEME_RE = /^https?:\/\//i;
const WWW_RE = /^(?:www\.)+/;
const HOST_RE = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;
const KEYWORD_RE =
  /project[\s-]*(?:page|website|site|homepage)|home[\s-]?page|web[\s-]?site|web[\s-]?page|demo/i;
const SEGMENT_RE = /^[A-Za-z0-9_.-]+$/;
const DOT_GIT_RE = /\.git$/i;
const UNSAFE_CHARS_RE = /[\s\u0000-\u001f\u007f]/;
const MAX_LINKS = 20;
const MAX_URL = 500;
const WINDOW = 80;

const GITHUB_RESERVED = new Set(
  'about apps collections contact customer-stories enterprise explore features issues join login marketplace notifications orgs pricing pulls search security settings site sponsors topics trending'.split(
    ' ',
  ),
);
const GITLAB_STOP = new Set('- tree blob raw issues merge_requests commits wikis'.split(' '));
const GITLAB_RESERVED = new Set('explore users help dashboard groups projects search'.split(' '));
const HF_RESERVED = new Set(
  'api blog chat collections docs join learn login models organizations papers posts pricing settings tasks'.split(
    ' ',
  ),
);

/** http(s) only, no user:password@, no whitespace or control characters. */
export function isSafeHttpUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length > 2048 || UNSAFE_CHARS_RE.test(url)) return false;
  const u = URL.parse(url);
  return (
    u !== null &&
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    !u.username &&
    !u.password &&
    u.hostname !== ''
  );
}

/** Drops trailing punctuation; a `)` only when unbalanced (`wiki/Foo_(bar)` keeps its own). */
function stripTrailing(s: string): string {
  let open = 0;
  let close = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40) open++;
    else if (c === 41) close++;
  }
  let end = s.length;
  while (end > 0) {
    const c = s[end - 1]!;
    if (TRAILING.has(c)) end--;
    else if (c === ')' && open < close) {
      end--;
      close--;
    } else break;
  }
  return s.slice(0, end);
}

const ok = (seg: string | undefined): seg is string =>
  seg !== undefined && SEGMENT_RE.test(seg) && seg !== '.' && seg !== '..';

/** Normalized repo/model URL, null for non-repo pages, undefined when `host` is not a code host. */
function codeUrl(host: string, segs: string[]): string | null | undefined {
  const [a, b, c] = segs;
  if (host === 'github.com' || host === 'bitbucket.org') {
    if (!ok(a) || (host === 'github.com' && GITHUB_RESERVED.has(a.toLowerCase()))) return null;
    const repo = b?.replace(DOT_GIT_RE, '');
    return ok(repo) ? `https://${host}/${a}/${repo}` : `https://${host}/${a}`;
  }
  if (host === 'gitlab.com') {
    if (!ok(a) || GITLAB_RESERVED.has(a.toLowerCase())) return null;
    const path: string[] = [];
    for (const s of segs) {
      if (GITLAB_STOP.has(s) || !ok(s)) break;
      path.push(s);
    }
    const last = path.length - 1;
    path[last] = path[last]!.replace(DOT_GIT_RE, '');
    return `https://gitlab.com/${path.filter(ok).join('/')}`;
  }
  if (host === 'huggingface.co') {
    if (!ok(a) || HF_RESERVED.has(a)) return null;
    if (a === 'datasets' || a === 'spaces') {
      if (!ok(b)) return null;
      return ok(c) ? `https://huggingface.co/${a}/${b}/${c}` : `https://huggingface.co/${a}/${b}`;
    }
    return ok(b) ? `https://huggingface.co/${a}/${b}` : `https://huggingface.co/${a}`;
  }
  return undefined;
}

function ignoredHost(host: string): boolean {
  return (
    !HOST_RE.test(host) ||
    host === 'arxiv.org' ||
    host.endsWith('.arxiv.org') ||
    host === 'doi.org' ||
    host.endsWith('.doi.org')
  );
}

function scan(text: string, out: PaperLink[], seen: Set<string>): void {
  if (!QUICK_RE.test(text)) return;
  const t = text.includes('\\') ? text.replace(LATEX_ESC_RE, '$1') : text;
  const matches = [...t.matchAll(CANDIDATE_RE)];
  for (let j = 0; j < matches.length && out.length < MAX_LINKS; j++) {
    const m = matches[j]!;
    if (m[0].length > MAX_URL) continue;
    const raw = stripTrailing(m[0]);
    const u = URL.parse(SCHEME_RE.test(raw) ? raw : `https://${raw}`);
    if (!u || u.username || u.password || (u.protocol !== 'https:' && u.protocol !== 'http:')) continue;
    const host = u.hostname.replace(WWW_RE, '');
    if (ignoredHost(host)) continue;
    const code = codeUrl(host, u.pathname.split('/').filter(Boolean));
    let link: PaperLink | null = null;
    if (typeof code === 'string') {
      link = { kind: 'code', url: code, host };
    } else if (code === undefined) {
      const from = Math.max(j > 0 ? matches[j - 1]!.index + matches[j - 1]![0].length : 0, m.index - WINDOW);
      const end = m.index + m[0].length;
      const to = Math.min(end + WINDOW / 2, j + 1 < matches.length ? matches[j + 1]!.index : t.length);
      const near = t.slice(from, m.index) + ' ' + t.slice(end, to);
      if (host.endsWith('.github.io') || host.endsWith('.gitlab.io') || KEYWORD_RE.test(near)) {
        u.hash = '';
        link = { kind: 'project', url: u.href, host };
      }
    }
    if (link && !seen.has(link.url.toLowerCase())) {
      seen.add(link.url.toLowerCase());
      out.push(link);
    }
  }
}

/** Code and project links from the abstract, then the comments, in order of appearance. */
export function extractLinks(abstract: string, comments: string | null): PaperLink[] {
  const out: PaperLink[] = [];
  const seen = new Set<string>();
  if (typeof abstract === 'string') scan(abstract, out, seen);
  if (typeof comments === 'string') scan(comments, out, seen);
  return out;
}

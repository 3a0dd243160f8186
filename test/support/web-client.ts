/**
 * A cookie-keeping HTTP client for the site's pages (node's fetch keeps no cookies): reads the
 * CSRF token from a page's form, posts forms like a browser (Origin header, urlencoded body),
 * never follows redirects so tests see them. Also reads mails the file mailer wrote.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { accountMailsSettled } from '../../src/users/accounts.ts';
import { STRONG_PASSWORD } from './passwords.ts';

export class WebClient {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  origin: string | null;

  constructor(base: string) {
    this.base = base.replace(/\/$/, '');
    this.origin = this.base;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(p: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + p, {
      redirect: 'manual',
      headers: { cookie: this.#cookieHeader(), ...headers },
    });
    this.#remember(res);
    return res;
  }

  async text(p: string): Promise<string> {
    return (await this.get(p)).text();
  }

  /** The CSRF token of the first form on a page. */
  async csrf(p: string): Promise<string> {
    const m = /name="csrf" value="([^"]+)"/.exec(await this.text(p));
    if (!m) throw new Error(`no csrf field on ${p}`);
    return m[1]!;
  }

  async post(
    p: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const res = await fetch(this.base + p, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: this.#cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.origin ? { origin: this.origin } : {}),
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
    this.#remember(res);
    return res;
  }

  /** Posts a multipart form (a file upload) like a browser; the CSRF token is one of its fields. */
  async upload(p: string, form: FormData): Promise<Response> {
    const res = await fetch(this.base + p, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.#cookieHeader(), ...(this.origin ? { origin: this.origin } : {}) },
      body: form,
    });
    this.#remember(res);
    return res;
  }

  /** Posts a form whose token comes from `formPage`. */
  async submit(formPage: string, action: string, fields: Record<string, string>): Promise<Response> {
    const csrf = await this.csrf(formPage);
    return this.post(action, { csrf, ...fields });
  }
}

/**
 * Newest .eml under <data>/mail addressed to `to`, parsed. Account mails go out after the answer
 * (users/accounts.ts), so this first waits for those in flight.
 */
export async function lastMail(dataDir: string, to: string) {
  await accountMailsSettled();
  const dir = path.join(dataDir, 'mail');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs || a.localeCompare(b));
  for (const f of files.reverse()) {
    const mail = await simpleParser(readFileSync(f));
    const addr = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
    if (addr?.includes(to))
      return { file: f, subject: mail.subject ?? '', text: mail.text ?? '', from: mail.from?.text ?? '' };
  }
  throw new Error(`no mail to ${to} in ${dir}`);
}

/** Mails written so far (after the account mails in flight). */
export async function mailCount(dataDir: string): Promise<number> {
  await accountMailsSettled();
  try {
    return readdirSync(path.join(dataDir, 'mail')).filter((f) => f.endsWith('.eml')).length;
  } catch {
    return 0;
  }
}

/** The path+query of the first link to `/verify` or `/reset` in a mail. */
export function linkIn(text: string, kind: 'verify' | 'reset'): string {
  const m = new RegExp(`https?://[^\\s/]+(/${kind}\\?token=[A-Za-z0-9_-]+)`).exec(text);
  if (!m) throw new Error(`no ${kind} link in mail:\n${text}`);
  return m[1]!;
}

/** Signs up through the pages, follows the emailed link, logs in. Returns the logged-in client. */
export async function signUpAndLogIn(
  base: string,
  dataDir: string,
  name: string,
  password = STRONG_PASSWORD,
): Promise<WebClient> {
  const c = new WebClient(base);
  const email = `${name.toLowerCase()}@example.org`;
  const signup = await c.submit('/signup', '/signup', { email, name, password });
  if (signup.status !== 200) throw new Error(`signup ${signup.status}: ${await signup.text()}`);
  const link = linkIn((await lastMail(dataDir, email)).text, 'verify');
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  // Following the link signs the reader in (issue 16 item 14): no separate login.
  const verified = await c.submit(link, '/verify', { token });
  if (verified.status !== 200) throw new Error(`verify ${verified.status}`);
  if (!c.cookies.has('__Host-pb_session') && !c.cookies.has('pb_session'))
    throw new Error('verify did not sign in');
  return c;
}

/**
 * One JSON API call with a personal token (the APIs take no session cookie): status, the
 * Cache-Control it was sent with, and the parsed body.
 */
export async function tokenApi(base: string, token: string, path: string, method = 'GET', body?: unknown) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: each test reads its own JSON shape
  return { status: r.status, cache: r.headers.get('cache-control'), json: (await r.json()) as any };
}

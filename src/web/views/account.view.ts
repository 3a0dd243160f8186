/** Sign-up, login, password reset, profile and API-token pages. */
import type { ApiTokenInfo, SubmissionRecord, User, VotedPaper } from '../../users/types.ts';
import { DISPLAY_NAME_RULE, HANDLE_RULE, MIN_PASSWORD_LENGTH } from '../../users/user.ts';
import { html, type SafeHtml } from '../html.ts';
import { titleHtml } from '../math.ts';

const csrf = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;
const notice = (message: string | null, kind: 'error' | 'ok' = 'error') =>
  message
    ? html`<p class="${kind === 'error' ? 'error' : 'ok'}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</p>`
    : '';

export function signupPage(
  token: string,
  message: string | null,
  values: { email?: string; name?: string; handle?: string } = {},
): SafeHtml {
  return html`<h1>Sign up</h1>${notice(message)}
<form class="stack" method="post" action="/signup">${csrf(token)}
<label for="email">Email</label><input id="email" type="email" name="email" required maxlength="254" autocomplete="email" value="${values.email ?? ''}">
<label for="name">Name <span class="muted">(shown on your profile: ${DISPLAY_NAME_RULE}, e.g. Ada Admin)</span></label><input id="name" type="text" name="name" required minlength="2" maxlength="50" autocomplete="name" value="${values.name ?? ''}">
<label for="handle">Handle <span class="muted">(optional; your profile address /users/&lt;handle&gt; and the name beside your comments: ${HANDLE_RULE}. Left empty, your name is the handle if it follows these rules; otherwise one is made from it: lowercase, accents dropped, spaces and other characters become "-", so Ada Admin gets ada-admin)</span></label><input id="handle" type="text" name="handle" minlength="2" maxlength="30" pattern="[A-Za-z0-9][A-Za-z0-9_\\-]{1,29}" autocomplete="username" value="${values.handle ?? ''}">
<label for="password">Password <span class="muted">(at least ${MIN_PASSWORD_LENGTH} characters and not easy to guess: a few uncommon words work well)</span></label><input id="password" type="password" name="password" required minlength="${MIN_PASSWORD_LENGTH}" maxlength="256" autocomplete="new-password">
<button type="submit">Sign up</button>
</form>
<p>Already have an account? <a href="/login">Log in</a>.</p>`;
}

export function loginPage(token: string, next: string, message: string | null, email = ''): SafeHtml {
  return html`<h1>Log in</h1>${notice(message)}
<form class="stack" method="post" action="/login">${csrf(token)}<input type="hidden" name="next" value="${next}">
<label for="email">Email</label><input id="email" type="email" name="email" required maxlength="254" autocomplete="email" value="${email}">
<label for="password">Password</label><input id="password" type="password" name="password" required maxlength="256" autocomplete="current-password">
<button type="submit">Log in</button>
</form>
<p><a href="/reset-password">Forgot your password?</a> · <a href="/signup">Sign up</a></p>`;
}

export function messagePage(
  title: string,
  lines: (string | SafeHtml)[],
  kind: 'ok' | 'error' = 'ok',
): SafeHtml {
  return html`<h1>${title}</h1>${lines.map((l) => html`<p class="${kind === 'error' ? 'error' : ''}">${l}</p>`)}`;
}

export function confirmEmailPage(token: string, linkToken: string): SafeHtml {
  return html`<h1>Confirm your email address</h1>
<form method="post" action="/verify">${csrf(token)}<input type="hidden" name="token" value="${linkToken}"><button type="submit">Confirm my email address</button></form>`;
}

export function requestResetPage(token: string, message: string | null): SafeHtml {
  return html`<h1>Reset your password</h1>${notice(message, 'ok')}
<form class="stack" method="post" action="/reset-password">${csrf(token)}
<label for="email">Email</label><input id="email" type="email" name="email" required maxlength="254" autocomplete="email">
<button type="submit">Send me a link</button>
</form>`;
}

export function newPasswordPage(token: string, linkToken: string, message: string | null): SafeHtml {
  return html`<h1>Choose a new password</h1>${notice(message)}
<form class="stack" method="post" action="/reset">${csrf(token)}<input type="hidden" name="token" value="${linkToken}">
<label for="password">New password <span class="muted">(at least ${MIN_PASSWORD_LENGTH} characters and not easy to guess: a few uncommon words work well)</span></label><input id="password" type="password" name="password" required minlength="${MIN_PASSWORD_LENGTH}" maxlength="256" autocomplete="new-password">
<button type="submit">Set password</button>
</form>`;
}

export interface ProfileData {
  user: User;
  votes: VotedPaper[];
  submissions: SubmissionRecord[];
  /** Present on one's own profile only. */
  own: {
    csrf: string;
    tokens: ApiTokenInfo[];
    newToken: string | null;
    /** Set right after "log out everywhere else". */
    notice?: 'others-ended' | null;
  } | null;
}

export function profilePage(d: ProfileData): SafeHtml {
  const u = d.user;
  return html`<h1>${u.displayName}${u.role !== 'user' ? html` <span class="sub">${u.role}</span>` : ''}</h1>
<p class="muted">${u.displayName !== u.name ? `@${u.name} · ` : ''}Joined ${u.createdAt.slice(0, 10)}${u.bannedAt ? ' · banned' : ''}${d.own ? html` · <a href="/settings">Settings</a>` : ''}</p>
<h2>Submissions</h2>
${d.submissions.length ? html`<ul class="plain">${d.submissions.map((s) => html`<li><a href="/papers/${s.arxivId}">${titleHtml(s.title)}</a> <span class="muted">featured <a href="/papers?date=${s.day}">${s.day}</a></span></li>`)}</ul>` : html`<p class="muted">No submissions yet.</p>`}
<h2>Upvoted</h2>
${d.votes.length ? html`<ul class="plain">${d.votes.map((v) => html`<li><a href="/papers/${v.arxivId}">${titleHtml(v.title)}</a> <span class="muted">arXiv:${v.arxivId}</span></li>`)}</ul>` : html`<p class="muted">No upvotes yet.</p>`}
${d.own ? tokensSection(d.own) : ''}`;
}

function tokenLine(t: ApiTokenInfo): string {
  return `created ${t.createdAt.slice(0, 10)}, ${t.lastUsedAt ? `last used ${t.lastUsedAt.slice(0, 10)}` : 'never used'}`;
}

/**
 * API tokens are not sessions: ending sessions (a password reset, "log out everywhere else")
 * leaves them working, so every page that says sessions ended also says so and lists them.
 */
function tokensStayNote(tokens: ApiTokenInfo[]): string {
  if (!tokens.length) return 'You have no API tokens.';
  return `Your ${tokens.length === 1 ? 'API token stays' : `${tokens.length} API tokens stay`} valid until you revoke ${tokens.length === 1 ? 'it' : 'them'}.`;
}

export function passwordChangedPage(tokens: ApiTokenInfo[]): SafeHtml {
  return html`<h1>Password changed</h1>
<p>Every login session of your account has ended, older reset links and your personal feed links no longer work (new feed links are on <a href="/settings/feeds">Your feeds</a>). Log in with the new password.</p>
<p${tokens.length ? html` class="error" role="alert"` : ''}>${tokensStayNote(tokens)}${tokens.length ? ' If one may have leaked, log in and revoke it under "API tokens" on your profile page.' : ''}</p>
${tokens.length ? html`<ul class="plain">${tokens.map((t) => html`<li>${t.name} <span class="muted">${tokenLine(t)}</span></li>`)}</ul>` : ''}`;
}

function tokensSection(own: NonNullable<ProfileData['own']>): SafeHtml {
  return html`<h2 id="sessions">Sessions</h2>
${own.notice === 'others-ended' ? html`<p class="ok" role="status">Every other login session of your account has ended; this one stays. ${tokensStayNote(own.tokens)}</p>` : ''}
<p><a href="/settings">Settings: name, password, address, digest, delete the account</a> · <a href="/settings/account">Download your data</a> · <a href="/settings/feeds">Your personal feeds</a></p>
<form class="inline" method="post" action="/settings/sessions/end">${csrf(own.csrf)}<button type="submit">Log out everywhere else</button></form> <span class="muted">(API tokens below are not sessions: revoke them one by one.)</span>
<h2 id="tokens">API tokens</h2>
<p class="muted">For the write API (<code>Authorization: Bearer …</code>): vote and submit from scripts. See <a href="/api/openapi.json">the API description</a>.</p>
${own.newToken ? html`<p class="ok" role="status">Your new token (shown once): <code class="token">${own.newToken}</code></p>` : ''}
${own.tokens.length ? html`<ul class="plain">${own.tokens.map((t) => html`<li>${t.name} <span class="muted">${tokenLine(t)}</span> <form class="inline" method="post" action="/settings/tokens/${t.id}/revoke">${csrf(own.csrf)}<button type="submit" class="link">Revoke</button></form></li>`)}</ul>` : html`<p class="muted">No API tokens.</p>`}
<form class="row" method="post" action="/settings/tokens">${csrf(own.csrf)}<label for="token-name">Token name</label><input id="token-name" type="text" name="name" maxlength="60" placeholder="laptop"><button type="submit">Create token</button></form>`;
}

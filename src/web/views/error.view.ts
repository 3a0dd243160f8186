import { html, type SafeHtml } from '../html.ts';

export function errorBody(status: number, message: string): SafeHtml {
  const heading =
    status === 404
      ? 'Not found'
      : status === 401
        ? 'Log in first'
        : status === 429
          ? 'Slow down'
          : status >= 500
            ? 'Something went wrong'
            : 'Cannot do that';
  return html`<h1>${heading}</h1><p class="error">${message}</p><p>${status === 401 ? html`<a href="/login">Log in</a> · ` : ''}<a href="/">Back to the daily papers</a></p>`;
}

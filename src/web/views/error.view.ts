import { html, type SafeHtml } from '../html.ts';

export function errorBody(status: number, message: string): SafeHtml {
  const heading = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'Cannot do that';
  return html`<h1>${heading}</h1><p class="error">${message}</p><p><a href="/">Back to the latest papers</a></p>`;
}

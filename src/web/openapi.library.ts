/** The library's part of the OpenAPI document (openapi.ts; endpoints in library.api.ts). */
export function libraryPaths(errors: Record<string, unknown>, auth: { token: never[] }[]) {
  const paperBody = (extra: Record<string, unknown> = {}) => ({
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['paper'],
          properties: { paper: { type: 'string', description: 'arXiv id or arxiv.org URL' }, ...extra },
        },
      },
    },
  });
  const unauthorized = { '401': { description: 'No or bad token' } };
  return {
    '/api/library/collections': {
      get: {
        summary: 'Your collections (the default "Saved" first) with paper counts',
        security: auth,
        responses: { '200': { description: 'Array of collections' }, ...unauthorized, ...errors },
      },
    },
    '/api/library/collections/{id}/papers': {
      get: {
        summary: "A collection's papers, newest added first (yours, or any public collection)",
        security: auth,
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: {
          '200': { description: '{ collection, total, papers: DailyPaper[] }' },
          '404': { description: 'No such collection, or a private one of someone else' },
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/library/save': {
      post: {
        summary: 'Save a paper to "Saved" (made on first use) or to one of your collections (idempotent)',
        security: auth,
        requestBody: paperBody({
          collection: { type: 'integer', description: 'collection id; default "Saved"' },
        }),
        responses: {
          '200': { description: '{ paper, saved: true, added, collection }' },
          '404': { description: 'Unknown paper or collection' },
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/library/unsave': {
      post: {
        summary: 'Take a paper out of every one of your collections (idempotent)',
        security: auth,
        requestBody: paperBody(),
        responses: {
          '200': { description: '{ paper, saved: false, removedFrom }' },
          ...unauthorized,
          ...errors,
        },
      },
    },
  };
}

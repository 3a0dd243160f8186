/** For you's part of the OpenAPI document (openapi.ts; endpoints in foryou.api.ts). */
export function forYouPaths(errors: Record<string, unknown>, auth: { token: never[] }[]) {
  const unauthorized = { '401': { description: 'No or bad token' } };
  const json = (schema: Record<string, unknown>) => ({
    required: true,
    content: { 'application/json': { schema } },
  });
  const tuning = {
    window: { enum: ['day', 'week', 'month'], description: 'How far back new papers come from' },
    trending: {
      type: 'integer',
      minimum: 0,
      maximum: 4,
      description: '"More like my library" (0) to "more what\'s trending" (4)',
    },
    onlyFollowedCategories: {
      type: 'boolean',
      description: 'Keep only papers in followed categories (ignored while none is followed)',
    },
  };
  return {
    '/api/follows': {
      get: {
        summary: 'What you follow (authors, categories, searches), oldest first',
        security: auth,
        responses: {
          '200': { description: 'Array of { id, kind, key, label, createdAt }' },
          ...unauthorized,
          ...errors,
        },
      },
      post: {
        summary: 'Follow an author (a name), a category (cs.LG) or a search (a query in the query language)',
        security: auth,
        requestBody: json({
          type: 'object',
          required: ['kind', 'value'],
          properties: { kind: { enum: ['author', 'category', 'search'] }, value: { type: 'string' } },
        }),
        responses: {
          '201': { description: '{ follow, added: true }' },
          '200': { description: '{ follow, added: false }: you followed it already' },
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/follows/{id}': {
      delete: {
        summary: 'Unfollow',
        security: auth,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: {
          '200': { description: '{ id, deleted: true }' },
          '404': { description: 'No such follow of yours' },
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/for-you': {
      get: {
        summary: 'Your For-you list: new papers ranked for you, each with its reasons (in words and as data)',
        description:
          'Query parameters window, trending and onlyFollowedCategories apply to this answer only (your saved controls stay); see the README "For you" for the weights.',
        security: auth,
        parameters: [
          { name: 'window', in: 'query', schema: tuning.window },
          { name: 'trending', in: 'query', schema: tuning.trending },
          { name: 'onlyFollowedCategories', in: 'query', schema: { type: 'boolean' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 100, default: 0 } },
        ],
        responses: {
          '200': {
            description:
              '{ tuning, window: { from, to }, model: vector|keyword|none, categoryFilter, examples, total, items: (DailyPaper & { score, parts: { model, follow, trend }, reasons: { kind, text, … }[] })[] }',
          },
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/for-you/feedback': {
      post: {
        summary: '"Less like this" (a negative example) or "hide" for a paper',
        security: auth,
        requestBody: json({
          type: 'object',
          required: ['paper', 'kind'],
          properties: {
            paper: { type: 'string', description: 'arXiv id' },
            kind: { enum: ['less', 'hide'] },
          },
        }),
        responses: {
          '200': { description: '{ paper, kind }' },
          '404': { description: 'Unknown paper' },
          ...unauthorized,
          ...errors,
        },
      },
      delete: {
        summary: 'Forget every "less like this" and "hide"',
        security: auth,
        responses: { '200': { description: '{ cleared }' }, ...unauthorized, ...errors },
      },
    },
    '/api/for-you/settings': {
      get: {
        summary: 'Your saved For-you controls',
        security: auth,
        responses: {
          '200': { description: '{ window, trending, onlyFollowedCategories }' },
          ...unauthorized,
          ...errors,
        },
      },
      put: {
        summary: 'Change your For-you controls (fields left out keep their value)',
        security: auth,
        requestBody: json({ type: 'object', additionalProperties: false, properties: tuning }),
        responses: { '200': { description: 'The saved controls' }, ...unauthorized, ...errors },
      },
    },
  };
}

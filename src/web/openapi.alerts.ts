/** Alerts' part of the OpenAPI document (openapi.ts; endpoints in alerts.api.ts, rules in README "Alerts"). */
export function alertPaths(errors: Record<string, unknown>, auth: { token: never[] }[]) {
  const delivery = {
    type: 'array',
    items: { enum: ['digest', 'mail', 'feed', 'webhook'] },
    minItems: 1,
    description: 'where its events go; webhook: to your webhooks at /alerts/webhooks',
  };
  const alert = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      kind: { enum: ['search', 'author', 'category', 'version', 'code', 'trending'] },
      target: {
        type: 'string',
        description: 'the query, author or category; "library" for version/code; the arXiv id for trending',
      },
      threshold: { type: ['integer', 'null'], description: 'votes, for trending' },
      delivery,
      paused: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      lastFiredAt: { type: ['string', 'null'], format: 'date-time' },
      lastReason: { type: ['string', 'null'] },
    },
  };
  const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
  const unauthorized = { '401': { description: 'No or bad token' } };
  const notFound = { '404': { description: 'No such alert of yours' } };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
  return {
    '/api/alerts': {
      get: {
        summary: 'Your alerts, oldest first, with when each last fired and why',
        security: auth,
        responses: {
          '200': { description: 'Array of alerts', ...json({ type: 'array', items: alert }) },
          ...unauthorized,
          ...errors,
        },
      },
      post: {
        summary: 'Add an alert (the same kind and target twice is the first one, unchanged)',
        security: auth,
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['kind', 'delivery'],
            properties: {
              kind: alert.properties.kind,
              target: {
                type: 'string',
                maxLength: 300,
                description:
                  'search: a query (the search language); author: a name; category: e.g. cs.LG; trending: an arXiv id or URL of a paper on this site; version/code: ignored (your saved papers)',
              },
              threshold: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'trending only' },
              delivery,
            },
          }),
        },
        responses: {
          '201': { description: '{ alert, added: true }' },
          '200': { description: '{ alert, added: false }: you had it already' },
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/alerts/{id}': {
      patch: {
        summary: 'Pause or resume an alert, or change its delivery',
        security: auth,
        parameters: [idParam],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            additionalProperties: false,
            properties: { paused: { type: 'boolean' }, delivery },
          }),
        },
        responses: {
          '200': { description: 'The alert as changed', ...json(alert) },
          ...notFound,
          ...unauthorized,
          ...errors,
        },
      },
      delete: {
        summary: 'Delete an alert',
        security: auth,
        parameters: [idParam],
        responses: {
          '200': { description: '{ id, deleted: true }' },
          ...notFound,
          ...unauthorized,
          ...errors,
        },
      },
    },
    '/api/alerts/events': {
      get: {
        summary: "Your alerts' newest events, newest first",
        security: auth,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: {
          '200': { description: 'Array of { id, alertId, type, arxivId, title, link, reason, createdAt }' },
          ...unauthorized,
          ...errors,
        },
      },
    },
  };
}

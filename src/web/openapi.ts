/** The OpenAPI 3.1 description of the JSON API (served at /api/openapi.json). */
import { alertPaths } from './openapi.alerts.ts';
import { forYouPaths } from './openapi.foryou.ts';
import { libraryPaths } from './openapi.library.ts';

export function openApiDocument(baseUrl: string) {
  const error = { $ref: '#/components/schemas/Error' };
  const errors = {
    '400': { description: 'Invalid input', content: { 'application/json': { schema: error } } },
    '429': {
      description: 'Rate limited; see the RateLimit and RateLimit-Policy headers and Retry-After',
      content: { 'application/json': { schema: error } },
    },
  };
  const auth = [{ token: [] }];
  const idParam = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    example: '2401.00001',
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'paperboy API',
      version: '1',
      description:
        'Daily papers, trending and papers by arXiv id; with a personal token, your library, follows, For you and alerts. Item shape follows public daily-papers APIs: paper.publishedAt is the arXiv date, publishedAt the featuring time. Upvotes = localUpvotes + importedUpvotes.',
    },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal API token (pb_…) from your profile page',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'status'],
          properties: { error: { type: 'string' }, status: { type: 'integer' } },
        },
        DailyPaper: {
          type: 'object',
          properties: {
            paper: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                title: { type: 'string' },
                summary: { type: 'string' },
                authors: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { name: { type: 'string' }, hidden: { type: 'boolean' } },
                  },
                },
                publishedAt: { type: 'string', format: 'date-time' },
                upvotes: { type: 'integer' },
                localUpvotes: { type: 'integer' },
                importedUpvotes: { type: 'integer' },
                githubRepo: { type: ['string', 'null'] },
                projectPage: { type: ['string', 'null'] },
              },
            },
            publishedAt: { type: ['string', 'null'], format: 'date-time' },
            featuredDay: { type: ['string', 'null'], format: 'date' },
            title: { type: 'string' },
            summary: { type: 'string' },
            numComments: { type: 'integer' },
            submittedBy: { type: ['object', 'null'], properties: { name: { type: 'string' } } },
          },
        },
      },
    },
    paths: {
      '/api/daily_papers': {
        get: {
          summary: 'Papers featured on a day, week or month',
          parameters: [
            { name: 'date', in: 'query', schema: { type: 'string', format: 'date' } },
            { name: 'week', in: 'query', schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' } },
            { name: 'month', in: 'query', schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } },
            { name: 'submitter', in: 'query', schema: { type: 'string' } },
            {
              name: 'sort',
              in: 'query',
              schema: { enum: ['upvotes', 'publishedAt', 'trending'], default: 'upvotes' },
            },
            { name: 'p', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
            },
          ],
          responses: {
            '200': {
              description: 'Items',
              content: {
                'application/json': {
                  schema: { type: 'array', items: { $ref: '#/components/schemas/DailyPaper' } },
                },
              },
            },
            ...errors,
          },
        },
      },
      '/api/papers/search': {
        get: {
          summary: 'Search papers',
          parameters: [
            { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 250 } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 120, default: 20 },
            },
          ],
          responses: { '200': { description: 'Items shaped like daily papers' }, ...errors },
        },
      },
      '/api/papers/{id}': {
        get: {
          summary: 'One paper',
          parameters: [idParam],
          responses: { '200': { description: 'The paper' }, '404': { description: 'Unknown id' } },
        },
      },
      '/api/papers/{id}/vote': {
        post: {
          summary: 'Set your upvote (idempotent; body {"up": false} removes it)',
          security: auth,
          parameters: [idParam],
          responses: {
            '200': { description: 'Vote state and counts' },
            '401': { description: 'No or bad token' },
            ...errors,
          },
        },
        delete: {
          summary: 'Remove your upvote',
          security: auth,
          parameters: [idParam],
          responses: { '200': { description: 'Vote state' } },
        },
      },
      ...libraryPaths(errors, auth),
      ...forYouPaths(errors, auth),
      ...alertPaths(errors, auth),
      '/api/submit': {
        post: {
          summary: "Submit a paper by arXiv id or URL to today's feed",
          security: auth,
          requestBody: {
            content: {
              'application/json': {
                schema: { type: 'object', required: ['paper'], properties: { paper: { type: 'string' } } },
              },
            },
          },
          responses: {
            '201': { description: 'Featured' },
            '409': { description: 'Already featured; says which day' },
            ...errors,
          },
        },
      },
    },
  };
}

/**
 * The library (issue 14, item 1): save/unsave from any card or paper page, `/library` (the
 * reader's collections), `/library/<id>` (a collection: its owner manages it; anyone reads a
 * public one, with RSS/Atom/JSON and a .bib; a private one is 404 to all but its owner), imports,
 * and `/library/export.json` (the reader's data). Every change is a POST through the one form
 * pipeline (form.ts: CSRF); without JavaScript each answers with a redirect back, and app.js asks
 * for JSON to update a save button in place.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from '../errors.ts';
import { MAX_IMPORT_ENTRIES } from '../library/library.ts';
import type { Collection } from '../library/types.ts';
import type { Paper } from '../papers/paper.ts';
import { localPath } from './auth.ts';
import { bibtex } from './bibtex.ts';
import { requireRole } from './guard.ts';
import type { SafeHtml } from './html.ts';
import { registerMultipart } from './multipart.ts';
import { formatOf, HTML, listContext, parse, sendFeed, sendPage, splitExt, type WebDeps } from './respond.ts';
import type { Pager } from './views/cards.view.ts';
import { layout } from './views/layout.view.ts';
import {
  collectionPage,
  deletePage,
  importPage,
  importReportPage,
  libraryPage,
} from './views/library.view.ts';

/** A .bib upload: 2 MB holds ~4,000 typical entries; a larger file is refused whole (413). */
const MAX_BIB_BYTES = 2 * 1024 * 1024;
/** The pasted list: 10,000 arXiv URLs with a version are ~400 KB. */
const MAX_PASTE_BYTES = 1024 * 1024;
const MAX_IMPORT_BODY = MAX_BIB_BYTES + MAX_PASTE_BYTES + 64 * 1024;
const PAGE_SIZE = 50;
/** A .bib is assembled from stored papers, this many rows per read. */
const BIB_CHUNK = 500;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const saveForm = z.object({
  paper: z.string().max(300).default(''),
  saved: z.enum(['0', '1']).default('1'),
  collection: z.union([z.literal(''), z.literal('new'), id]).default(''),
  name: z.string().max(1000).default(''),
  next: z.string().max(2000).optional(),
});
const nameForm = z.object({ name: z.string().max(1000).default(''), public: z.string().max(5).optional() });
const publicForm = z.object({ public: z.enum(['0', '1']) });
const paperForm = z.object({ paper: z.string().max(300).default('') });
const importForm = z.object({ ids: z.string().default(''), bib: z.string().default('') });
const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  format: z.string().max(10).optional(),
});

const wantsJson = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json');
const idOf = (raw: string) => {
  const n = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(n)) throw new NotFoundError('No such collection.');
  return n;
};

/** A one-line, comment-safe name for the .bib header: no `@` (it would start an entry), no braces. */
const bibComment = (s: string) =>
  s
    .replace(/[@{}\\%\r\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export const libraryRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site, store } = deps;
    const library = site.library;
    registerMultipart(
      app,
      MAX_IMPORT_BODY,
      (bytes) =>
        `This upload is ${mb(bytes)}; an import takes a .bib file of at most ${mb(MAX_BIB_BYTES)} and a pasted list of at most ${mb(MAX_PASTE_BYTES)}. Nothing was imported: split the file and import the parts one after another.`,
    );

    const page = (req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
      reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(layout({ title, siteName: deps.config.siteName, viewer: req.viewer, path: req.url }, body));
    const viewerOf = (req: FastifyRequest) => {
      requireRole(req, 'user');
      return req.viewer!;
    };

    app.post('/library/save', async (req, reply) => {
      const user = viewerOf(req).user;
      const f = parse(saveForm, req.body);
      let r: { paper: Paper; saved: boolean; collectionId?: number };
      if (f.saved === '0') r = await library.unsave(user, f.paper);
      else if (f.collection === 'new') {
        const c = await library.create(user, f.name);
        r = await library.save(user, f.paper, c.id);
      } else r = await library.save(user, f.paper, f.collection === '' ? undefined : f.collection);
      if (wantsJson(req))
        return { paper: r.paper.arxivId, saved: r.saved, collection: r.collectionId ?? null };
      return reply.redirect(localPath(f.next, `/papers/${r.paper.arxivId}`), 303);
    });

    app.get('/library', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/library', 303);
      const v = req.viewer;
      return page(req, reply, 'Your library', libraryPage(v, await library.collections(v.user), null));
    });
    app.post('/library', async (req, reply) => {
      const v = viewerOf(req);
      const f = parse(nameForm, req.body);
      try {
        const c = await library.create(v.user, f.name, f.public === '1');
        return reply.redirect(`/library/${c.id}`, 303);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        return page(
          req,
          reply,
          'Your library',
          libraryPage(v, await library.collections(v.user), err.message),
          400,
        );
      }
    });

    app.get('/library/export.json', async (req, reply) => {
      const v = viewerOf(req);
      const data = await store.library.exportFor(v.user.id);
      return reply
        .header('Cache-Control', 'private, no-store')
        .header('Content-Disposition', 'attachment; filename="library.json"')
        .type('application/json; charset=utf-8')
        .send({ account: v.user.name, exportedAt: site.now().toISOString(), ...data });
    });

    app.get<{ Params: { id: string } }>('/library/:id', async (req, reply) => {
      const [raw, ext] = splitExt(req.params.id);
      if (raw.endsWith('.bib')) return sendBib(req, reply, idOf(raw.slice(0, -4)));
      const q = parse(pageQuery, req.query);
      const format = formatOf(ext, q);
      const cid = idOf(raw);
      if (format !== 'html') {
        // Feeds are for public collections only: a feed reader has no session, and the answer is
        // shared (Cache-Control public). A private collection's feed is 404 even to its owner.
        return sendFeed(req, reply, deps, format, async () => {
          const c = await library.readable(null, cid);
          const { items } = await load(c, 1);
          return {
            title: `${deps.config.siteName}: ${c.name}`,
            description: `Papers in the collection “${c.name}”, newest added first.`,
            path: `/library/${c.id}`,
            query: '',
            items,
          };
        });
      }
      return sendPage(deps, req, reply, async () => {
        const c = await library.readable(req.viewer?.user ?? null, cid);
        const { items, pager } = await load(c, q.page);
        const owner = req.viewer && req.viewer.user.id === c.userId ? req.viewer : null;
        const ownerName = owner ? owner.user.name : ((await store.users.byId(c.userId))?.name ?? '?');
        return {
          meta: {
            title: c.name,
            ...(c.isPublic
              ? {
                  feeds: {
                    rss: `/library/${c.id}.rss`,
                    atom: `/library/${c.id}.atom`,
                    json: `/library/${c.id}.json`,
                  },
                }
              : {}),
          },
          body: collectionPage(
            { collection: c, items, pager, owner, ownerName },
            await listContext(deps, req, items),
          ),
        };
      });
    });

    async function load(c: Collection, pageNo: number) {
      const { ids, total } = await store.library.paperIds(c.id, PAGE_SIZE, (pageNo - 1) * PAGE_SIZE);
      const byId = new Map((await store.feed.items(ids)).map((i) => [i.paper.id, i]));
      const items = ids.flatMap((i) => byId.get(i) ?? []);
      const href = (n: number) => `/library/${c.id}?page=${n}`;
      const pager: Pager = {
        prev: pageNo > 1 ? { href: href(pageNo - 1), label: 'Previous page' } : null,
        next: pageNo * PAGE_SIZE < total ? { href: href(pageNo + 1), label: 'Next page' } : null,
      };
      return { items, pager };
    }

    /** The whole collection as one .bib: public ones for anyone, private ones for the owner only. */
    async function sendBib(req: FastifyRequest, reply: FastifyReply, cid: number) {
      const c = await library.readable(req.viewer?.user ?? null, cid);
      const entries: string[] = [];
      for (let offset = 0; offset < c.paperCount; offset += BIB_CHUNK) {
        const { ids } = await store.library.paperIds(c.id, BIB_CHUNK, offset);
        for (const item of await store.feed.items(ids)) {
          const paper = await store.papers.get(item.paper.arxivId);
          if (paper) entries.push(bibtex(paper));
        }
      }
      const header = `% ${bibComment(c.name)}: ${entries.length} papers, exported from ${bibComment(deps.config.siteName)} ${deps.config.baseUrl!.replace(/\/$/, '')}/library/${c.id} on ${site.now().toISOString().slice(0, 10)}\n\n`;
      return reply
        .header('Cache-Control', c.isPublic ? 'public, max-age=300' : 'private, no-store')
        .header('Content-Disposition', `attachment; filename="collection-${c.id}.bib"`)
        .type('application/x-bibtex; charset=utf-8')
        .send(`${header}${entries.join('\n\n')}\n`);
    }

    app.post<{ Params: { id: string } }>('/library/:id/rename', async (req, reply) => {
      const v = viewerOf(req);
      const c = await library.rename(v.user, idOf(req.params.id), parse(nameForm, req.body).name);
      return reply.redirect(`/library/${c.id}`, 303);
    });
    app.post<{ Params: { id: string } }>('/library/:id/visibility', async (req, reply) => {
      const v = viewerOf(req);
      const c = await library.setPublic(
        v.user,
        idOf(req.params.id),
        parse(publicForm, req.body).public === '1',
      );
      return reply.redirect(`/library/${c.id}`, 303);
    });
    app.get<{ Params: { id: string } }>('/library/:id/delete', async (req, reply) => {
      const v = viewerOf(req);
      const c = await library.own(v.user, idOf(req.params.id));
      return page(req, reply, `Delete ${c.name}`, deletePage(v, c));
    });
    app.post<{ Params: { id: string } }>('/library/:id/delete', async (req, reply) => {
      const v = viewerOf(req);
      await library.remove(v.user, idOf(req.params.id));
      return reply.redirect('/library', 303);
    });
    app.post<{ Params: { id: string } }>('/library/:id/remove', async (req, reply) => {
      const v = viewerOf(req);
      const r = await library.removeFrom(v.user, idOf(req.params.id), parse(paperForm, req.body).paper);
      return reply.redirect(`/library/${r.collection.id}`, 303);
    });

    const limits = { bibBytes: MAX_BIB_BYTES, entries: MAX_IMPORT_ENTRIES };
    app.get<{ Params: { id: string } }>('/library/:id/import', async (req, reply) => {
      const v = viewerOf(req);
      const c = await library.own(v.user, idOf(req.params.id));
      return page(req, reply, `Import into ${c.name}`, importPage(v, c, limits, null));
    });
    app.post<{ Params: { id: string } }>('/library/:id/import', async (req, reply) => {
      const v = viewerOf(req);
      const c = await library.own(v.user, idOf(req.params.id));
      const f = parse(importForm, req.body);
      const again = (message: string, status: number) =>
        page(req, reply, `Import into ${c.name}`, importPage(v, c, limits, message), status);
      if (Buffer.byteLength(f.bib) > MAX_BIB_BYTES)
        throw new PayloadTooLargeError(
          `This .bib file is ${mb(Buffer.byteLength(f.bib))}; at most ${mb(MAX_BIB_BYTES)} per import. Nothing was imported: split the file and import the parts one after another.`,
        );
      if (Buffer.byteLength(f.ids) > MAX_PASTE_BYTES)
        throw new PayloadTooLargeError(
          `The pasted list is ${mb(Buffer.byteLength(f.ids))}; at most ${mb(MAX_PASTE_BYTES)} per import. Nothing was imported.`,
        );
      try {
        const report = await library.import(v.user, c.id, { paste: f.ids, bibtex: f.bib });
        return page(req, reply, `Imported into ${c.name}`, importReportPage(report));
      } catch (err) {
        if (err instanceof InvalidInputError) return again(err.message, 400);
        throw err;
      }
    });
  };

/**
 * One validated config for the whole program. Precedence, lowest first: defaults → JSON file →
 * settings saved in the database (the admin's /admin/settings page) → env `PAPERBOY_*` →
 * command-line flags. Every source goes through the same schema. Every setting is documented
 * where it is defined; an invalid file, env or flag setting stops startup with a list of every
 * problem, not just the first; an invalid saved setting is reported and ignored (resolveConfig).
 *
 * This module knows no database: `loadConfig` resolves what it can without one and remembers the
 * sources it read (`sourcesOf`), and src/setup/settings.ts `effectiveConfig` lays the saved
 * settings in at their place once a command has opened its store.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();
const boolish = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
/** A list from JSON (`["cs.LG"]`) or from env/flags (`cs.LG,cs.CV` or `cs.LG+cs.CV`). */
const list = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(/[\s,+]+/).filter(Boolean) : v), z.array(item));
const TRUST_PROXY_HELP =
  'must be false, a hop count (1 for one proxy such as nginx or Caddy) or the proxy addresses/CIDRs ' +
  '(127.0.0.1,10.0.0.0/8); true is no longer accepted because it trusted every X-Forwarded-For ' +
  'entry, so any client could pick its own address and escape the per-client limits';
/** A proxy address, CIDR, or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
const proxyAddress = z.string().refine(
  (s) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(s)) return true;
    const [ip, bits, extra] = s.split('/');
    const kind = isIP(ip ?? '');
    if (!kind || extra !== undefined) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
  },
  { error: (iss) => `"${String(iss.input)}" is not an IP address or CIDR (like 10.0.0.0/8)` },
);
const trustProxy = z.preprocess(
  (v) => {
    if (v === 'false' || v === '0' || v === 0) return false;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
    if (typeof v === 'string' && !['true', '1'].includes(v)) return v.split(/[\s,]+/).filter(Boolean);
    return v;
  },
  z.union([z.literal(false), z.number().int().min(1).max(10), z.array(proxyAddress).min(1)], {
    error: TRUST_PROXY_HELP,
  }),
);
const category = z
  .string()
  .regex(/^[a-z][a-z-]*(\.[A-Za-z-]+)?$/, 'must be an arXiv category like cs.LG or an archive like cs');
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like America/New_York');

export const configSchema = z
  .object({
    /** Where the embedded database, index, mail files and secrets live. */
    data: z.string().min(1).default('./data'),
    /** `postgres://…` switches storage to PostgreSQL; empty means the embedded SQLite file. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    /**
     * PostgreSQL connections `paperboy serve` keeps open (per instance: N instances use up to N×
     * this of the server's max_connections).
     */
    databasePoolSize: z.coerce.number().int().min(1).max(500).default(10),
    /**
     * How long `paperboy serve` waits to connect to PostgreSQL, or for a free pooled connection,
     * before answering 503 + Retry-After (a database down or stalled must not hang requests).
     */
    databaseConnectTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(5000),
    /**
     * PostgreSQL's statement_timeout for `paperboy serve` (requests and scheduled jobs): a statement
     * waiting on a held lock is cancelled after this and answered 503 + Retry-After; 0: no limit.
     * Migrations and batch commands (import, reindex) are not bound by it.
     */
    databaseStatementTimeoutMs: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    /**
     * SIGTERM/SIGINT: in-flight requests get until 2 s before this to finish (idle keep-alive
     * connections are closed at once, new requests get 503), then the rest is cut; the process
     * has exited by this many ms after the signal.
     */
    shutdownTimeoutMs: z.coerce.number().int().min(2000).max(600_000).default(9000),
    /**
     * Processes `serve` answers with (cluster/primary.ts): one uses one core, as a page's work is
     * one thread's; set it to the machine's cores to use them all (each holds its own caches and
     * semantic index in memory).
     */
    workers: z.coerce.number().int().min(1).max(64).default(1),
    /** Interface the web server binds; `localhost` answers on 127.0.0.1 and ::1. */
    host: z.string().min(1).default('localhost'),
    port: port.default(3000),
    /** Public URL used in mails and feeds; defaults to http://localhost:<port>. */
    baseUrl: url.optional(),
    siteName: z.string().min(1).max(80).default('paperboy'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Upstream endpoints: configuration so tests can point them at a local fixture server. */
    arxivOaiUrl: url.default('https://oaipmh.arxiv.org/oai'),
    arxivApiUrl: url.default('http://export.arxiv.org/api/query'),
    arxivRssUrl: url.default('https://rss.arxiv.org'),
    dailyPapersUrl: url.optional(),
    /** arXiv asks for one request every 3 s across all its services. */
    upstreamIntervalMs: z.coerce.number().int().min(0).max(600_000).default(3000),
    upstreamTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000),
    userAgent: z
      .string()
      .min(1)
      .default('paperboy/0.1 (self-hosted daily papers; https://github.com/paperboy)'),
    /** Attempts after the first for a failed upstream request (timeouts, resets, 5xx, 429). */
    upstreamRetries: z.coerce.number().int().min(0).max(20).default(4),
    /** Run the scheduler (daily harvest) inside `paperboy serve`. Several instances may share a DB: a lease picks one. */
    scheduler: boolish.default(true),
    /**
     * How long a job's or a harvest's lease lives without renewal (renewed every third of it). A
     * holder that dies on another machine frees its job after at most this, and the other
     * instances look again when it lapses, so the job is taken over within about this long
     * (issue 18: within 2 minutes). Too short, and a stalled event loop loses its lease.
     */
    jobLeaseMs: z.coerce.number().int().min(1000).max(600_000).default(60_000),
    /**
     * Daily harvest time, on the wall clock of `harvestTimeZone`. arXiv announces at 20:00 US
     * Eastern (Sunday–Thursday); the default runs then, which is 00:00 or 01:00 UTC depending on DST.
     */
    harvestTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)')
      .default('20:00'),
    harvestTimeZone: timeZone.default('America/New_York'),
    /**
     * Sources the daily harvest runs, in order: `oai` (incremental OAI-PMH), `rss` (only when
     * rssCategories or featureCategories is set), `daily-papers` (only when dailyPapersUrl is set).
     */
    harvestSources: list(z.enum(['oai', 'rss', 'daily-papers'])).default(['oai', 'rss', 'daily-papers']),
    /** OAI-PMH set for the daily harvest (`cs`, `cs:cs:LG`, `physics:hep-th`); empty harvests everything. */
    oaiSet: z
      .string()
      .regex(/^[A-Za-z-]+(:[A-Za-z.-]+)*$/, 'must be an OAI set like cs or cs:cs:LG')
      .optional(),
    /** `arXivRaw` carries the version history the version rules need; `arXiv` has affiliations but no versions. */
    oaiMetadataPrefix: z.enum(['arXivRaw', 'arXiv']).default('arXivRaw'),
    /**
     * With no saved OAI position, the scheduled harvest starts this many days back instead of
     * listing the whole archive (use `paperboy import` or `paperboy ingest oai` for a bulk fill).
     */
    oaiFirstHarvestDays: z.coerce.number().int().min(1).max(3650).default(7),
    /** Category feeds the daily harvest reads from rss.arxiv.org (besides featureCategories). */
    rssCategories: list(category).default([]),
    /**
     * Featuring rule: every new paper whose primary category is listed (`cs.LG`, or a whole archive
     * `cs`) enters the daily feed on its announcement day. Empty (default): the daily feed holds
     * only submissions and imported picks, a curated page.
     */
    featureCategories: list(category).default([]),
    /**
     * `smtp://user:pass@host:port`; empty means mails are written to files under <data>/mail —
     * on the embedded store only, unless mailToFiles (src/digest/mailer.ts `mailRefusal`).
     */
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    mailFrom: z.string().min(3).default('paperboy <paperboy@localhost>'),
    /**
     * With PostgreSQL and no smtpUrl, write mail to files anyway. Off by default: several
     * instances would each keep the mail of the requests they served in their own <data>/mail,
     * so mail without SMTP is refused there (issue 18 item 5). For one instance, or tests.
     */
    mailToFiles: boolish.default(false),
    /** Pooled SMTP connections kept open while sending digests. */
    smtpPoolSize: z.coerce.number().int().min(1).max(50).default(5),
    /** Messages per second across the pool; 0 sends as fast as the server accepts. */
    smtpRateLimit: z.coerce.number().int().min(0).max(10_000).default(0),
    /** Connect, greeting and idle-socket timeout; a server that hangs after DATA fails after this. */
    smtpTimeoutMs: z.coerce.number().int().min(500).max(600_000).default(30_000),
    /** STARTTLS: `auto` upgrades when offered, `required` refuses plain connections, `off` never upgrades. */
    smtpStartTls: z.enum(['auto', 'required', 'off']).default('auto'),
    /** Refuse servers whose certificate does not verify (turn off only for a local relay with a self-signed cert). */
    smtpTlsRejectUnauthorized: boolish.default(true),
    /** DKIM signing: all three set (`dkimPrivateKey` is PEM text or a path to a PEM file) or none. */
    dkimDomain: z.string().min(1).optional(),
    dkimSelector: z.string().min(1).optional(),
    dkimPrivateKey: z.string().min(1).optional(),
    /**
     * Envelope sender that receives bounces (`bounces@example.org`); with `mailVerp` each digest
     * goes out from `bounces+<signed id>@example.org` so a DSN names its subscriber. Empty: mailFrom.
     */
    mailBounceAddress: z.string().email().optional(),
    mailVerp: boolish.default(false),
    /**
     * Shared secret of `POST /hooks/bounce` (sent as `Authorization: Bearer <secret>`), where the
     * mail server posts DSNs and complaint reports; empty: the endpoint is off (404).
     */
    bounceHookSecret: z.string().min(24, 'must be at least 24 characters').optional(),
    /**
     * Bearer token of `GET /metrics` (Prometheus; `Authorization: Bearer <token>`): the counters
     * show business figures (sign-ups, digests sent). Empty: /metrics answers only requests made
     * on this machine itself (loopback, nothing forwarded; src/web/guard.ts `direct`).
     */
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Signs mail links (unsubscribe, preferences, confirm); empty: a random secret kept in the database. */
    tokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** When daily digests go out (weekdays, after the harvest) and weekly ones (on each subscriber's weekday). */
    digestTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)')
      .default('06:00'),
    digestTimeZone: timeZone.default('UTC'),
    /** Skip a subscriber's digest when nothing is new for them (false: send the period's highlights anyway). */
    digestSkipEmpty: boolish.default(true),
    /** Delivery attempts per digest before it is marked failed (transient errors only). */
    digestMaxAttempts: z.coerce.number().int().min(1).max(50).default(8),
    /** First retry delay; doubles per attempt with ±50 % jitter, capped at one hour. */
    digestRetryBaseMs: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
    /** Consecutive server-level failures (refused, 421, timeouts) that pause sending… */
    digestBreakerFailures: z.coerce.number().int().min(1).max(1000).default(5),
    /** …for this long before one probe message is tried again. */
    digestBreakerPauseMs: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
    /**
     * How long a sender owns a claimed digest (renewed every third of it); a sender that dies on
     * another machine frees its claims after this. One minute, so a scheduled digest run whose
     * holder died is finished by another instance within 2 minutes (issue 18 item 5).
     */
    digestLeaseMs: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    /** Soft bounces (4.x.x DSNs) after which an address is suppressed; hard bounces suppress at once. */
    digestSoftBounceLimit: z.coerce.number().int().min(1).max(100).default(3),
    /** Subscribe requests per IP per hour, and confirmation mails per address per day. */
    subscribeLimitPerIp: z.coerce.number().int().min(1).max(100_000).default(20),
    subscribeLimitPerAddress: z.coerce.number().int().min(1).max(100).default(3),
    /**
     * Import batch size: rows per transaction (a crash loses at most one uncommitted batch).
     * The import defers FTS5's segment merging to its end, so a transaction's size no longer
     * sets the indexing cost; it sets peak memory (batches in flight): at 200k papers 10,000
     * took 24.0 s and 541 MB peak RSS, 20,000 took 28.5 s and 846 MB.
     */
    importBatch: z.coerce.number().int().min(1).max(100_000).default(10_000),
    /**
     * Semantic search embedder: `builtin` learns from the local corpus (`paperboy reindex`, no
     * download); `transformers` runs the sentence-embedding ONNX model named by embedderModel.
     */
    embedder: z.enum(['builtin', 'transformers']).default('builtin'),
    /** transformers: a local model folder (config.json, tokenizer.json, onnx/model.onnx) or a hub name. */
    embedderModel: z.string().min(1).optional(),
    /** transformers: allow downloading embedderModel from the hub (needs internet; off by default). */
    embedderRemote: boolish.default(false),
    /**
     * Reverse proxies whose X-Forwarded-For / -Proto the server believes: `false` (none, the
     * default), a hop count (`1` for one nginx or Caddy in front), or the proxies' addresses/CIDRs
     * (`127.0.0.1,10.0.0.0/8`). The client address used for every per-client limit is the
     * right-most one not added by a trusted proxy. `true` is refused: it trusted every hop, so a
     * client could name its own address and escape every limit (issue 12).
     */
    trustProxy: trustProxy.default(false),
    /**
     * Addresses or CIDRs webhooks may reach although they are loopback/private (issue 15, README
     * "Alert webhooks"): for a receiver on the operator's own network. Plain http is allowed only
     * to an allow-listed loopback address (tests' local receiver). Empty: public https only.
     */
    webhookAllowHosts: list(
      proxyAddress.refine((s) => !['loopback', 'linklocal', 'uniquelocal'].includes(s), {
        error: 'must be an IP address or CIDR',
      }),
    ).default([]),
    /**
     * Overload protection (@fastify/under-pressure): above either threshold every request is
     * answered 503 with Retry-After until the next sample is back under it; `/health` says so.
     * Mean event-loop delay over one sample, in ms (0: off).
     */
    overloadMaxEventLoopDelayMs: z.coerce.number().int().min(0).max(60_000).default(500),
    /** V8 heap in use, in MB (0: 90 % of the process's heap limit). */
    overloadMaxHeapUsedMb: z.coerce.number().int().min(0).max(1_000_000).default(0),
    /** How often the event loop and heap are sampled, in ms. */
    overloadSampleIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1000),
    /** The Retry-After (seconds) sent with an overload 503. */
    overloadRetryAfterSeconds: z.coerce.number().int().min(1).max(3600).default(10),
    /** Anonymous page views are served from a cache this young (ms); 0 turns it off. Local writes clear it at once. */
    pageCacheMs: z.coerce.number().int().min(0).max(600_000).default(5000),
    /** JSON API requests per minute per client IP (answered 429 with RateLimit headers beyond). */
    apiRateLimit: z.coerce.number().int().min(1).max(100_000_000).default(600),
    /**
     * Wall-clock budget of a search's keyword work (queueing included); past it the search is
     * stopped and answered 503 "too broad". Keyword work runs off the serving thread (SQLite:
     * worker threads, src/search/keyword-pool.ts; PostgreSQL: statement_timeout).
     */
    searchBudgetMs: z.coerce.number().int().min(50).max(60_000).default(2000),
    /**
     * Hybrid search also looks for learned synonyms and the model's neighbour words of the query,
     * shown as "Also looked for: car ← automobile"; `false` looks for the words typed only.
     */
    searchExpansion: boolish.default(true),
    /** Keyword-search worker threads on SQLite; 0 = one per core (at least two). */
    searchWorkers: z.coerce.number().int().min(0).max(64).default(0),
    /** HTML searches (`/search`) per minute per client (429 with Retry-After beyond). */
    searchRateLimit: z.coerce.number().int().min(1).max(100_000_000).default(120),
    /** Password hashes (argon2id, ~19 MiB each) computed at once; more wait in a short queue, then get 429. */
    hashConcurrency: z.coerce.number().int().min(1).max(64).default(2),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
type RawConfig = Record<string, unknown>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const keys = Object.keys(configSchema.shape) as (keyof Config)[];

/** `upstreamIntervalMs` ↔ `PAPERBOY_UPSTREAM_INTERVAL_MS`. */
export function envName(key: string): string {
  return `PAPERBOY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function fromEnv(env: NodeJS.ProcessEnv, names: Record<string, string>): RawConfig {
  const out: RawConfig = {};
  for (const key of keys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      out[key] = value;
      names[key] = envName(key);
    }
  }
  // The conventional name wins over nothing but an explicit PAPERBOY_DATABASE_URL.
  if (out.databaseUrl === undefined && env.DATABASE_URL) {
    out.databaseUrl = env.DATABASE_URL;
    names.databaseUrl = 'DATABASE_URL';
  }
  return out;
}

function fromFile(file: string | undefined, problems: string[]): RawConfig {
  if (!file) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push(`${file}: must contain a JSON object`);
      return {};
    }
    return parsed as RawConfig;
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    return {};
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Flags already parsed by the CLI, in config key names. */
  flags?: RawConfig;
  file?: string;
}

/** What each source said, before any merging; kept with the config it produced (sourcesOf). */
export interface ConfigSources {
  file: RawConfig;
  fileName: string | null;
  env: RawConfig;
  /** The variable each env value came from (`PAPERBOY_SITE_NAME`, `DATABASE_URL`). */
  envNames: Record<string, string>;
  flags: RawConfig;
  /** Problems reading the file (unreadable, not JSON); reported by resolveConfig. */
  problems: string[];
}

export function readSources(options: LoadOptions = {}): ConfigSources {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const fileName = options.file ?? env.PAPERBOY_CONFIG ?? null;
  const envNames: Record<string, string> = {};
  return {
    file: fromFile(fileName ?? undefined, problems),
    fileName,
    env: fromEnv(env, envNames),
    envNames,
    flags: { ...(options.flags ?? {}) },
    problems,
  };
}

export type ConfigOrigin = 'flag' | 'env' | 'saved' | 'file' | 'default';

/** A saved setting the schema refused: what, where, why. It is ignored, never applied. */
export interface RefusedSetting {
  key: string;
  message: string;
}

/** Where the value in force comes from, highest precedence first. */
export function originOf(sources: ConfigSources, saved: RawConfig, key: string): ConfigOrigin {
  if (key in sources.flags) return 'flag';
  if (key in sources.env) return 'env';
  if (key in saved) return 'saved';
  if (key in sources.file) return 'file';
  return 'default';
}

/** A setting fixed by env or a flag, which the settings page cannot change: says by what. */
export function lockedBy(sources: ConfigSources, key: string): string | null {
  if (key in sources.flags)
    return `the command-line flag --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (key in sources.env) return sources.envNames[key] ?? envName(key);
  return null;
}

/**
 * Each saved value checked alone against its key's schema: one bad value (a category the rule
 * refuses, an SMTP URL of another scheme) is reported and dropped, the others still apply.
 */
export function checkSaved(saved: RawConfig): { valid: RawConfig; refused: RefusedSetting[] } {
  const valid: RawConfig = {};
  const refused: RefusedSetting[] = [];
  const shape = configSchema.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(saved)) {
    const field = shape[key];
    if (!field) {
      refused.push({ key, message: 'is not a setting' });
      continue;
    }
    const r = field.safeParse(value);
    if (r.success) valid[key] = value;
    else
      refused.push({
        key,
        message: r.error.issues
          .map((i) => {
            // A list item names itself: `"cs_LG" must be an arXiv category…`.
            const item = i.path.reduce<unknown>((v, p) => (v as Record<PropertyKey, unknown>)?.[p], value);
            return i.path.length ? `"${String(item).slice(0, 80)}" ${i.message}` : i.message;
          })
          .join('; '),
      });
  }
  return { valid, refused };
}

const remembered = new WeakMap<Config, ConfigSources>();

/** The sources a config was resolved from; a config built by hand counts as all file/defaults. */
export function sourcesOf(config: Config): ConfigSources {
  return (
    remembered.get(config) ?? {
      file: { ...config },
      fileName: null,
      env: {},
      envNames: {},
      flags: {},
      problems: [],
    }
  );
}

/**
 * The one precedence rule: flags > env > saved settings > file > defaults, all through the schema.
 * Throws ConfigError for problems in the file, env or flags; saved values the schema refuses are
 * returned in `refused` and left out.
 */
export function resolveConfig(
  sources: ConfigSources,
  saved: RawConfig = {},
): { config: Config; refused: RefusedSetting[] } {
  const problems = [...sources.problems];
  const { valid, refused } = checkSaved(saved);
  const merged = { ...sources.file, ...valid, ...sources.env, ...sources.flags };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(config)';
      const source =
        key in sources.flags
          ? `--${key}`
          : key in sources.env
            ? (sources.envNames[key] ?? envName(key))
            : key in sources.file
              ? (sources.fileName ?? 'config file')
              : envName(key);
      problems.push(`${key} (${source}): ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const parsed = result.data!;
  const config = {
    ...parsed,
    data: path.resolve(parsed.data),
    baseUrl: parsed.baseUrl ?? `http://localhost:${parsed.port}`,
  };
  remembered.set(config, sources);
  return { config, refused };
}

/** Defaults, file, env and flags (no database yet); see effectiveConfig for the saved settings. */
export function loadConfig(options: LoadOptions = {}): Config {
  return resolveConfig(readSources(options)).config;
}

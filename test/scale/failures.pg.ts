/**
 * A PostgreSQL cluster of the test's own, which it may stop and start at will: its data directory
 * under the test's temp dir, its own free port, run as the `postgres` user when we are root (as
 * scripts/pg-test-cluster.sh does). The shared cluster of the other tests is never touched.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/serve.ts';

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(a) - Number(b));
  if (versions.length === 0)
    throw new Error(`no PostgreSQL under ${root} (scripts/pg-test-cluster.sh installs it)`);
  return path.join(root, versions.at(-1)!, 'bin');
}

const asRoot = process.getuid?.() === 0;
const PREFIX = 'paperboy-failures-pg-';

export class OwnCluster {
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  readonly #bin = postgresBin();
  readonly #tmpMode: number;
  running = false;

  private constructor(dir: string, port: number, tmpMode: number) {
    this.dir = dir;
    this.port = port;
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    this.#tmpMode = tmpMode;
  }

  static async create(): Promise<OwnCluster> {
    const tmp = tmpdir();
    const tmpMode = statSync(tmp).mode & 0o7777;
    // Made before the chmod below, so that another test file's close() sees this cluster.
    const dir = mkdtempSync(path.join(tmp, PREFIX));
    // The test command's TMPDIR is private to root (mktemp -d): the server's user must be able to
    // pass through it to its data directory. Put back in close().
    if (asRoot) chmodSync(tmp, tmpMode | 0o001);
    const port = await freePort();
    const cluster = new OwnCluster(dir, port, tmpMode);
    if (asRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
    cluster.#pg('initdb', [
      '-D',
      cluster.data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-locale',
      '-E',
      'UTF8',
    ]);
    writeFileSync(
      path.join(cluster.data, 'postgresql.auto.conf'),
      [
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        "unix_socket_directories = ''",
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    if (asRoot) execFileSync('chown', ['postgres:', path.join(cluster.data, 'postgresql.auto.conf')]);
    cluster.start();
    return cluster;
  }

  get data(): string {
    return path.join(this.dir, 'data');
  }

  #pg(tool: string, args: string[]): void {
    // PostgreSQL refuses to run as root: as root, run it as the Debian package's `postgres` user.
    const argv = [
      ...(asRoot ? ['runuser', '-u', 'postgres', '--'] : []),
      path.join(this.#bin, tool),
      ...args,
    ];
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'pipe' });
  }

  /** Starts the server and waits until it accepts connections (pg_ctl -w). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.#pg('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** Stops it the way an operator's restart does: sessions are terminated, connections refused. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.#pg('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  close(): void {
    try {
      this.#pg('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch (err) {
      // Stopped already (stop()) is fine; a running server that would not stop is not: removing
      // its directory below would leave it running on a deleted data directory.
      if (this.running) throw new Error(`could not stop the test cluster in ${this.dir}: ${String(err)}`);
    }
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
    // Test files run two at a time (scripts/test.sh) and several use a cluster of their own: the
    // last one out puts TMPDIR back; taking it away earlier cut another file's server off its data.
    const others = readdirSync(tmpdir()).some((f) => f.startsWith(PREFIX));
    if (asRoot && !others) chmodSync(tmpdir(), this.#tmpMode);
  }
}

/**
 * The `daybook` command (bin/daybook.js runs this file through tsx):
 *
 *   daybook hub [options]   the hub (config.ts lists the options)
 *   daybook start           `npm start`: build the app if dist/ has none, then
 *                           the hub with the demo store on the embedded database
 *   daybook --help
 *
 * Exit codes: 0 after a graceful stop (SIGTERM, SIGINT), 1 when the hub cannot start
 * (the database, the port), 2 for a bad command line. Logs are JSON lines on stdout;
 * the few lines a person reads at start ("open the app at ...") go to stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_HELP, parseHubConfig, type HubConfig } from './config.ts';
import { demoPairingLink, seedDemo } from './demo.ts';
import { startDemoEnrolment, type DemoEnrolment } from './demo-enrol.ts';
import { createLog } from './log.ts';
import type { HubBook } from './books.ts';
import { startHub, type Hub } from './server.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface CliIo {
  /** Human-readable lines (help, where to open the app). */
  say(text: string): void;
  /** JSON log lines. */
  log(line: string): void;
  /** Hear SIGTERM/SIGINT; default: the process's signals. */
  onSignal?(handler: (signal: string) => void): void;
}

const processIo: CliIo = {
  say: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  log: (line) => void process.stdout.write(line),
  onSignal: (handler) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => handler(signal));
  },
};

/** Run the command line; resolves to the exit code once the command is done (for the hub: once it stopped). */
export async function main(argv: readonly string[], env: Env, io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'hub') return runHub(rest, env, io);
  if (command === 'start') return runStart(rest, env, io);
  if (command === '--help' || command === '-h' || command === 'help') {
    io.say(HUB_HELP);
    return 0;
  }
  io.say(`${command === undefined ? 'daybook needs a command' : `unknown command ${JSON.stringify(command)}`}\n\n${HUB_HELP}`);
  return 2;
}

async function runStart(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const parsed = parseHubConfig(argv, env);
  if (!parsed.ok) return runHub(argv, env, io);
  if (!existsSync(join(parsed.config.staticDir, 'index.html'))) {
    io.say(`The app is not built (no ${parsed.config.staticDir}/index.html): running \`npm run build\` first.`);
    const build = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env } });
    if (build.status !== 0) io.say('The build failed (above); the hub starts anyway and serves the API, sync and signaling.');
  }
  return runHub([...argv, ...(argv.includes('--demo') ? [] : ['--demo'])], env, io);
}

async function runHub(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const parsed = parseHubConfig(argv, env);
  if (!parsed.ok) {
    if (parsed.help) {
      io.say(HUB_HELP);
      return 0;
    }
    io.say(`daybook hub: ${parsed.reason}\nRun \`daybook hub --help\` for the options.`);
    return 2;
  }
  const config = parsed.config;
  const log = createLog({ write: (line) => io.log(line) });
  // Signals are heard from the first moment: a stop asked while the database opens is honoured once it is open.
  let hub: Hub | undefined;
  let asked: string | undefined;
  let exit: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => (exit = resolve));
  const stop = (signal: string): void => {
    if (asked !== undefined) {
      log.warn('second signal: exiting without waiting', { signal });
      exit(1);
      return;
    }
    asked = signal;
    if (hub === undefined) return;
    void hub.close(signal).then(
      () => exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        exit(1);
      },
    );
  };
  io.onSignal?.(stop);
  log.info('hub starting', { db: config.memory ? 'memory' : config.databaseUrl !== undefined ? 'postgres' : 'pglite', port: config.port, host: config.host });
  // Demo mode: tablets that sync with the demo book are enrolled as clerks once the demo is seeded (demo-enrol.ts).
  let enrolment: DemoEnrolment | undefined;
  const onSyncPeer = (book: HubBook, peer: string): void => void enrolment?.heard(book, peer);
  try {
    hub = await startHub({ config, log, ...(config.demo ? { onSyncPeer } : {}) });
  } catch (error) {
    const reason = startFailure(error, config);
    log.error('hub failed to start', { reason });
    io.say(`daybook hub cannot start: ${reason}`);
    return 1;
  }
  const running = hub;
  if (asked !== undefined) {
    asked = undefined;
    stop('signal during start');
    return stopped;
  }
  if (config.demo) {
    try {
      const seed = await seedDemo(running.books);
      log.info('demo store seeded', { book: seed.book, added: seed.added, duplicates: seed.duplicates });
      try {
        enrolment = await startDemoEnrolment(running.books, log);
        log.info('demo enrolment ready', { book: seed.book, hubPeer: enrolment.hubPeer });
      } catch (error) {
        // The store is there; tablets that join stay pending until enrolled.
        log.error('demo enrolment failed', { error });
        io.say(`Tablets joining the demo store will not be enrolled: ${error instanceof Error ? error.message : String(error)}`);
      }
      io.say(banner(running.url, config, demoPairingLink(running.url, seed.book, seed.secret), enrolment !== undefined));
    } catch (error) {
      log.error('demo store failed', { error });
      io.say(`The demo store could not be seeded: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    io.say(banner(running.url, config, undefined));
  }
  return stopped;
}

function banner(url: string, config: HubConfig, pairing: string | undefined, enrols = false): string {
  const db = config.memory ? 'in memory (nothing is kept)' : config.databaseUrl !== undefined ? 'PostgreSQL' : `embedded (PGlite in ${config.dataDir})`;
  return [
    '',
    `daybook hub is running: open ${url}/ in Chromium`,
    ...(pairing === undefined ? [] : [`Demo store "corner-shop": ${url}/api/books/corner-shop/trial-balance?asOf=2025-03-14`, `Pair a tablet with the demo store: ${pairing}`]),
    ...(pairing !== undefined && enrols ? ['A tablet that opens this link and syncs with this hub is enrolled in the demo store as a clerk (it may post, not close or enrol); only --demo does this.'] : []),
    `Database: ${db}. Health: ${url}/health. Stop with Ctrl+C.`,
    '',
  ].join('\n');
}

function startFailure(error: unknown, config: HubConfig): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${config.port} on ${config.host} is in use; pick another with --port N`;
  if (code === 'EACCES') return `not allowed to listen on ${config.host}:${config.port}`;
  if (code === 'EADDRNOTAVAIL') return `${config.host} is not an address of this machine`;
  return error instanceof Error ? error.message : String(error);
}

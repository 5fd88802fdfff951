/**
 * `daybook hub` configuration: flags first, then the environment, then defaults.
 * Parsing is pure (argv and env come in as arguments) and never throws: bad input
 * gives a typed refusal whose reason the CLI prints before exiting with code 2.
 */

export interface HubConfig {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind. 127.0.0.1 unless asked: a hub on all interfaces is a decision. */
  host: string;
  /** PGlite's folder (embedded PostgreSQL); ignored when databaseUrl is set. */
  dataDir: string;
  /** PostgreSQL connection string; when set, the hub uses it instead of PGlite. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema of the hub's tables (default: the database module's, `daybook`). */
  dbSchema: string | undefined;
  /** This process's public URL, where other processes on the same PostgreSQL redirect to for the books it serves. */
  publicUrl: string | undefined;
  /** Keep everything in memory (nothing survives a restart): demos and tests. */
  memory: boolean;
  /** A cloud hub's base URL to sync every book up to. */
  upstream: string | undefined;
  /** A NATS server to publish accepted entries to (JetStream). */
  nats: string | undefined;
  /** Seed the demo store (idempotent). */
  demo: boolean;
  /** The built PWA (vite's dist/). */
  staticDir: string;
}

export type ConfigResult =
  | { ok: true; config: HubConfig }
  | { ok: false; help: true }
  | { ok: false; help: false; reason: string };

export const DEFAULT_PORT = 8080;

export const HUB_HELP = `daybook hub: the store's or the cloud's peer (sync, signaling, the app, a read API)

Usage: daybook hub [options]
       daybook start            build the app if dist/ is missing, then: daybook hub --demo

Options (flags win over the environment):
  --port N              port to listen on (0: any free port)        env PORT, default ${DEFAULT_PORT}
  --host ADDR           address to bind                             env HOST, default 127.0.0.1
  --data DIR            embedded database folder (PGlite)           env DAYBOOK_DATA, default ./.data/hub
  --database-url URL    PostgreSQL instead of the embedded database env DATABASE_URL
  --db-schema NAME      PostgreSQL schema of the hub's tables        env DAYBOOK_DB_SCHEMA, default daybook
  --public-url URL      this process's URL, for redirects between    env DAYBOOK_PUBLIC_URL, default the URL it listens on
                        processes sharing one PostgreSQL (each book is pinned to one process)
  --memory              keep everything in memory (lost on exit)    env DAYBOOK_MEMORY=1
  --upstream URL        a cloud hub to sync every book with         env DAYBOOK_UPSTREAM
  --nats URL            publish accepted entries to NATS JetStream  env NATS_URL
  --demo                seed the demo store "corner-shop" (idempotent)
  --static DIR          the built app to serve                      env DAYBOOK_STATIC, default dist
  -h, --help            this help

Endpoints: GET /health, /api/books..., POST /api/books/:book/entries,
WebSocket /signaling (y-webrtc) and /sync/:book. Logs are JSON lines on stdout.
Exit codes: 0 after SIGTERM/SIGINT, 1 when the hub cannot start, 2 for bad options.
`;

type Env = Readonly<Record<string, string | undefined>>;

const VALUED = new Set(['--port', '--host', '--data', '--database-url', '--db-schema', '--public-url', '--upstream', '--nats', '--static']);
const SWITCHES = new Set(['--demo', '--memory', '--help', '-h']);

/** Parse `argv` (the words after `daybook hub`) and `env`. Contract: never throws. */
export function parseHubConfig(argv: readonly string[], env: Env = {}): ConfigResult {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const eq = word.indexOf('=');
    const name = word.startsWith('--') && eq > 0 ? word.slice(0, eq) : word;
    if (SWITCHES.has(name)) {
      if (name !== word) return refuse(`${name} takes no value`);
      switches.add(name);
    } else if (VALUED.has(name)) {
      const value = name !== word ? word.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || (name === word && value.startsWith('--'))) return refuse(`${name} needs a value`);
      if (flags.has(name)) return refuse(`${name} is given twice`);
      flags.set(name, value);
    } else {
      return refuse(`unknown option ${JSON.stringify(word)}`);
    }
  }
  if (switches.has('--help') || switches.has('-h')) return { ok: false, help: true };

  const portText = flags.get('--port') ?? nonEmpty(env['PORT']);
  const port = portText === undefined ? DEFAULT_PORT : parsePort(portText);
  if (port === undefined) return refuse(`the port must be a whole number from 0 to 65535, not ${JSON.stringify(portText)}`);
  const databaseUrl = flags.get('--database-url') ?? nonEmpty(env['DATABASE_URL']);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return refuse('the database URL must start with postgres:// or postgresql://');
  }
  const upstream = flags.get('--upstream') ?? nonEmpty(env['DAYBOOK_UPSTREAM']);
  if (upstream !== undefined && !isUrl(upstream, ['http:', 'https:', 'ws:', 'wss:'])) {
    return refuse(`the upstream must be an http(s):// or ws(s):// URL, not ${JSON.stringify(upstream)}`);
  }
  const nats = flags.get('--nats') ?? nonEmpty(env['NATS_URL']);
  if (nats !== undefined && !isUrl(nats, ['nats:', 'tls:', 'ws:', 'wss:']) && !/^[\w.-]+:\d+$/.test(nats)) {
    return refuse(`the NATS address must be nats://host:port or host:port, not ${JSON.stringify(nats)}`);
  }
  const dbSchema = flags.get('--db-schema') ?? nonEmpty(env['DAYBOOK_DB_SCHEMA']);
  if (dbSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(dbSchema)) return refuse('the schema name must be lower-case letters, digits and _ (at most 63)');
  const publicUrl = flags.get('--public-url') ?? nonEmpty(env['DAYBOOK_PUBLIC_URL']);
  if (publicUrl !== undefined && !isUrl(publicUrl, ['http:', 'https:'])) return refuse(`the public URL must be an http(s):// URL, not ${JSON.stringify(publicUrl)}`);
  const memory = switches.has('--memory') || env['DAYBOOK_MEMORY'] === '1';
  if (memory && databaseUrl !== undefined) return refuse('--memory and a database URL exclude each other');
  return {
    ok: true,
    config: {
      port,
      host: flags.get('--host') ?? nonEmpty(env['HOST']) ?? '127.0.0.1',
      dataDir: flags.get('--data') ?? nonEmpty(env['DAYBOOK_DATA']) ?? '.data/hub',
      databaseUrl,
      dbSchema,
      publicUrl,
      memory,
      upstream,
      nats,
      demo: switches.has('--demo'),
      staticDir: flags.get('--static') ?? nonEmpty(env['DAYBOOK_STATIC']) ?? 'dist',
    },
  };
}

function refuse(reason: string): ConfigResult {
  return { ok: false, help: false, reason };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function isUrl(text: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, HUB_HELP, parseHubConfig } from './config.ts';

describe('parseHubConfig', () => {
  it('has safe defaults: 127.0.0.1, the embedded database in .data/hub, dist/', () => {
    expect(parseHubConfig([], {})).toEqual({
      ok: true,
      config: { port: DEFAULT_PORT, host: '127.0.0.1', dataDir: '.data/hub', databaseUrl: undefined, dbSchema: undefined, publicUrl: undefined, memory: false, upstream: undefined, nats: undefined, demo: false, staticDir: 'dist' },
    });
  });

  it('reads flags in both forms, and flags win over the environment', () => {
    const env = { PORT: '9000', DAYBOOK_DATA: '/env/data', DATABASE_URL: 'postgres://env/db', DAYBOOK_UPSTREAM: 'https://cloud.example', NATS_URL: 'nats://127.0.0.1:4222' };
    const result = parseHubConfig(['--port', '0', '--data=/flag/data', '--demo', '--host', '0.0.0.0', '--static', 'build'], env);
    expect(result).toEqual({
      ok: true,
      config: { port: 0, host: '0.0.0.0', dataDir: '/flag/data', databaseUrl: 'postgres://env/db', dbSchema: undefined, publicUrl: undefined, memory: false, upstream: 'https://cloud.example', nats: 'nats://127.0.0.1:4222', demo: true, staticDir: 'build' },
    });
    expect(parseHubConfig([], env)).toMatchObject({ ok: true, config: { port: 9000, dataDir: '/env/data' } });
  });

  it('refuses bad flags with a reason', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--prot', '1'], /unknown option "--prot"/],
      [['--port'], /--port needs a value/],
      [['--port', '--demo'], /--port needs a value/],
      [['--port', '70000'], /port must be a whole number from 0 to 65535/],
      [['--port', '8o8o'], /port must be/],
      [['--port', '1', '--port', '2'], /given twice/],
      [['--demo=yes'], /takes no value/],
      [['--database-url', 'mysql://x'], /postgres:\/\//],
      [['--upstream', 'cloud'], /upstream must be/],
      [['--nats', 'http://x'], /NATS address/],
      [['--memory', '--database-url', 'postgres://h/db'], /exclude each other/],
      [['hub'], /unknown option "hub"/],
      [['--db-schema', 'Bad-Name'], /schema name/],
      [['--public-url', 'ftp://x'], /public URL/],
    ];
    for (const [argv, reason] of cases) {
      const result = parseHubConfig(argv, {});
      expect(result.ok).toBe(false);
      expect(!result.ok && !result.help ? result.reason : '').toMatch(reason);
    }
    expect(parseHubConfig([], { PORT: 'eighty' })).toMatchObject({ ok: false, reason: expect.stringMatching(/"eighty"/) });
  });

  it('asks for help with --help or -h, and the help names every option', () => {
    expect(parseHubConfig(['--port', '1', '--help'], {})).toEqual({ ok: false, help: true });
    expect(parseHubConfig(['-h'], {})).toEqual({ ok: false, help: true });
    for (const option of ['--port', '--host', '--data', '--database-url', '--memory', '--upstream', '--nats', '--demo', '--static', '--db-schema', '--public-url', 'DATABASE_URL', 'DAYBOOK_DATA']) {
      expect(HUB_HELP).toContain(option);
    }
  });
});

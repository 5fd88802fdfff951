/**
 * The hub's public list: what the CLI, tests, benchmarks and e2e drivers may use to
 * run a hub in-process. Internals (routes, parameters, upgrades) stay behind it.
 */
export { startHub } from './server.ts';
export type { Hub, HubOptions } from './server.ts';
export { parseHubConfig, HUB_HELP, DEFAULT_PORT } from './config.ts';
export type { HubConfig, ConfigResult } from './config.ts';
export { hubLimits } from './config-limits.ts';
export { createBooks, badBookId } from './books.ts';
export type { Books, HubBook, OpenResult } from './books.ts';
export { memorySource, sqlSource, openSource } from './books-source.ts';
export type { JournalSource } from './books-source.ts';
export { createLog, silentLog } from './log.ts';
export type { Log, LogLevel } from './log.ts';
export { seedDemo, demoPairingLink } from './demo.ts';
export { buildDemoStore, DEMO_STORE_BOOK, DEMO_STORE_DAYS } from './demo-store.ts';
export { main } from './cli.ts';

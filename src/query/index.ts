/**
 * The query layer's public list: what screens, the hub and tests may use. Internals
 * (columns, id table, posting table, structure) stay behind it.
 */
export { QueryStore } from './store.ts';
export type { ApplyStats } from './store.ts';
export type { EntryInfo, NegationRow } from './entry-lists.ts';
export type { Query, Change } from './live-query.ts';
export type { Listener } from './live.ts';
export type { SearchFilter, SearchPage } from './search.ts';
export type { AccountTotal, DayTotal, RangeOptions } from './answers.ts';
export type { QuarantineRecord } from './quarantine.ts';
export type { Status, StateView } from './state.ts';

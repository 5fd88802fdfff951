/**
 * Preact hooks over the runtime: live query answers, the runtime's status, the
 * entries version and the hash route. Each subscribes on mount and unsubscribes on
 * unmount, so a screen re-renders exactly when what it shows changed.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Query } from '../../src/query/index.ts';
import type { Runtime, RuntimeStatus } from '../model/runtime.ts';
import { parseRoute, type Route } from '../model/route.ts';

/** The live answer to `query`, re-subscribed when the query changes (compared by its JSON). */
export function useLive<T>(runtime: Runtime, query: Query): T {
  const key = JSON.stringify(query);
  const [state, setState] = useState<{ key: string; value: unknown }>(() => ({ key, value: answerNow(runtime, query) }));
  useEffect(() => runtime.store.subscribe(query, (value) => setState({ key, value })), [runtime, key]);
  // The query just changed and the effect has not run yet: answer it now.
  return (state.key === key ? state.value : answerNow(runtime, query)) as T;
}

/** The answer to `query` now (a subscription ended at once). */
export function answerNow(runtime: Runtime, query: Query): unknown {
  let value: unknown;
  runtime.store.subscribe(query, (v) => (value = v))();
  return value;
}

/** The runtime's status, kept current. */
export function useStatus(runtime: Runtime): RuntimeStatus {
  const [, setTick] = useState(0);
  useEffect(() => runtime.onStatus(() => setTick((t) => t + 1)), [runtime]);
  return runtime.status;
}

/** A number that grows whenever entries were applied (for screens that read the store directly). */
export function useVersion(runtime: Runtime): number {
  const [version, setVersion] = useState(runtime.version);
  useEffect(() => runtime.onEntries(() => setVersion(runtime.version)), [runtime]);
  return version;
}

/** The current hash route. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

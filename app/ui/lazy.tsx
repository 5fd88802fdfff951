/**
 * Screens loaded on demand (dynamic import), so the first paint carries only the
 * shell and the Post screen. A screen module exports `default` (a component taking
 * the runtime and the route).
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Route } from '../model/route.ts';
import type { Runtime } from '../model/runtime.ts';

export interface ScreenProps {
  runtime: Runtime;
  route: Route;
}

type Loader = () => Promise<{ default: ComponentType<ScreenProps> }>;
const loaded = new Map<Loader, ComponentType<ScreenProps>>();

/** Render the screen `load` resolves to, with a quiet placeholder while it loads. */
export function Lazy({ load, ...props }: ScreenProps & { load: Loader }) {
  const [Screen, setScreen] = useState<ComponentType<ScreenProps> | undefined>(() => loaded.get(load));
  const [failed, setFailed] = useState<string | undefined>(undefined);
  useEffect(() => {
    const known = loaded.get(load);
    if (known !== undefined) {
      setScreen(() => known);
      return;
    }
    let live = true;
    load().then(
      (m) => {
        loaded.set(load, m.default);
        if (live) setScreen(() => m.default);
      },
      (error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (failed !== undefined) return <p role="alert">This screen could not be loaded ({failed}). Reload the app when the network is back.</p>;
  if (Screen === undefined || loaded.get(load) !== Screen) return <p class="loading" aria-busy="true">Loading…</p>;
  return <Screen {...props} />;
}

/**
 * The app's entry: open this tablet's book (or show first-start setup), render the
 * shell, and register the service worker with an update banner that never reloads
 * by itself (a reload mid-sale would lose the clerk's work).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { registerServiceWorker } from './sw-register.ts';
import { readIdentity } from './model/identity.ts';
import { Runtime } from './model/runtime.ts';
import { App } from './ui/app.tsx';
import { SetupScreen } from './screens/setup.tsx';
import './styles.css';

/** The runtime of the page, for tests and for the console. */
declare global {
  interface Window {
    daybookRuntime?: Runtime;
  }
}

function Root() {
  const [runtime, setRuntime] = useState<Runtime | undefined>(undefined);
  const [state, setState] = useState<'opening' | 'setup' | 'ready' | 'failed'>('opening');
  const [error, setError] = useState('');
  const [update, setUpdate] = useState<(() => void) | undefined>(undefined);
  const [progress, setProgress] = useState('');

  useEffect(() => {
    void registerServiceWorker((apply) => setUpdate(() => apply));
    const identity = readIdentity(localStorage);
    if (identity === undefined) {
      setState('setup');
      return;
    }
    const onProgress = (read: number, phase: 'reading' | 'folding'): void =>
      setProgress(phase === 'reading' ? `Reading entries: ${read}` : `Computing the books from ${read} entries…`);
    Runtime.open(identity, { onProgress }).then(
      (r) => ready(r),
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setState('failed');
      },
    );
  }, []);

  const ready = (r: Runtime): void => {
    window.daybookRuntime = r;
    setRuntime(r);
    setState('ready');
    document.title = `daybook — ${r.identity.name}`;
    // Ask once at start; the Devices screen explains a refusal and can ask again.
    void r.persist();
  };

  if (state === 'opening') {
    return (
      <p class="loading" aria-busy="true" role="status">
        Opening the book… {progress}
      </p>
    );
  }
  if (state === 'failed') return <p role="alert">The book could not be opened on this tablet: {error}</p>;
  if (state === 'setup' || runtime === undefined) return <SetupScreen onReady={ready} />;
  return <App runtime={runtime} update={update} />;
}

render(<Root />, document.getElementById('app')!);

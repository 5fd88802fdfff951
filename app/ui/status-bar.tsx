/**
 * Always visible: online or offline, peers connected, and this device's entries that
 * no other device holds yet (they would be lost with the tablet).
 */
import type { Runtime } from '../model/runtime.ts';
import { useStatus } from './hooks.ts';
import { deviceNames } from './labels.ts';

export function StatusBar({ runtime }: { runtime: Runtime }) {
  const status = useStatus(runtime);
  const peers = status.peers.length;
  const names = deviceNames(runtime.store.roster(), { peer: runtime.peer, name: runtime.identity.name });
  return (
    <footer class="status-bar" aria-label="Sync status">
      <span class={status.online ? 'pill ok' : 'pill warn'} data-testid="net">{status.online ? 'Online' : 'Offline'}</span>
      <span class="pill" data-testid="peers" title={status.peers.map((p) => names.get(p) ?? p).join(', ')}>
        {peers === 0 ? 'No other device connected' : `${peers} device${peers === 1 ? '' : 's'} connected`}
      </span>
      <span class={status.atRisk > 0 ? 'pill warn' : 'pill ok'} data-testid="at-risk">
        {status.atRisk === 0 ? 'Everything is on another device' : `${status.atRisk} entr${status.atRisk === 1 ? 'y' : 'ies'} waiting to reach another device or the cloud`}
      </span>
      {status.hubs.length > 0 && (
        <span class={status.hubs.some((h) => h.state === 'open') ? 'pill ok' : 'pill warn'} data-testid="hub">
          {status.hubs.some((h) => h.state === 'open') ? 'Hub connected' : 'Hub not reachable'}
        </span>
      )}
      {status.persistRefused && <span class="pill warn">Storage not protected</span>}
      <span class="who">{runtime.identity.name}</span>
    </footer>
  );
}

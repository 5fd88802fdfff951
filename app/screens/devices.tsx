/**
 * Devices and sync: this tablet, the other enrolled devices (online, last seen, what
 * is held from each, what is missing), the hub, entries no other device holds yet,
 * storage (persisted or not, quota used) and the clock-skew alarm. The owner enrols
 * new tablets here and hands them their pairing link.
 */
import { useState } from 'preact/hooks';
import type { Alarm, AuthorFrontier } from '../../src/core/ledger.ts';
import type { PeerId, Role } from '../../src/core/types.ts';
import { describeMissing } from '../../src/sync/presence.ts';
import { enrolDevice, pairingLinkOf } from '../model/setup.ts';
import { ago, bytesText, deviceRows } from '../model/sync-status.ts';
import { useLive, useStatus, useVersion } from '../ui/hooks.ts';
import { deviceNames } from '../ui/labels.ts';
import type { ScreenProps } from '../ui/lazy.tsx';

export default function DevicesScreen({ runtime }: ScreenProps) {
  useVersion(runtime);
  const status = useStatus(runtime);
  const frontier = useLive<AuthorFrontier[]>(runtime, { type: 'frontier' });
  const alarms = useLive<Alarm[]>(runtime, { type: 'alarms' }).filter((a) => a.kind === 'clock-skew');
  const names = deviceNames(runtime.store.roster(), { peer: runtime.peer, name: runtime.identity.name });
  const roster = runtime.store.roster().map((m) => ({ ...m, name: names.get(m.peer) ?? m.name }));
  const me = roster.find((m) => m.peer === runtime.peer);
  const mayEnrol = me !== undefined && me.lastSeq === undefined && (me.roles.includes('owner') || me.roles.includes('enrol'));
  const rows = deviceRows(runtime.peer, roster, frontier, new Set(status.peers), (id) => runtime.store.entry(id)?.hlc);
  const nameOf = (peer: string): string => roster.find((m) => m.peer === peer)?.name ?? peer;
  const now = runtime.clock();
  const [newName, setNewName] = useState('');
  const [mayClose, setMayClose] = useState(false);
  const [byId, setById] = useState('');
  const [link, setLink] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const base = `${location.origin}${location.pathname}`;
  const storage = status.storage;

  const enrol = async (): Promise<void> => {
    const roles: Role[] = mayClose ? ['closer'] : [];
    const result = await enrolDevice(runtime, newName, roles, base);
    if (!result.ok) return setMessage({ ok: false, text: result.message });
    setLink(result.value);
    setMessage({ ok: true, text: `${newName.trim()} is enrolled. Open the link below on that tablet.` });
    setNewName('');
  };

  const enrolById = async (): Promise<void> => {
    const [id = '', ...rest] = byId.trim().split(/\s+/);
    const name = rest.join(' ') || id;
    const result = await runtime.append({ kind: 'join', body: { device: id as PeerId, name, key: '', roles: [] }, date: runtime.nowDate() });
    setMessage(result.ok ? { ok: true, text: `Enrolled ${name}.` } : { ok: false, text: result.message });
    if (result.ok) setById('');
  };

  return (
    <section aria-labelledby="devices-title" class="devices">
      <h2 id="devices-title">Devices and sync</h2>
      {message !== undefined && <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'feedback ok' : 'feedback error'}>{message.text}</p>}

      <h3>This tablet</h3>
      <dl>
        <dt>Name</dt><dd>{runtime.identity.name}</dd>
        <dt>Device id</dt><dd class="mono" data-testid="device-id">{runtime.peer}</dd>
        <dt>Roles</dt><dd>{me === undefined ? 'not enrolled yet: ask the owner to enrol this id' : me.roles.length === 0 ? 'clerk' : me.roles.join(', ')}</dd>
        <dt>Sync</dt><dd>{status.syncing ? 'running in this tab' : 'not running in this tab (another tab of this tablet may run it)'}{' '}
          <button type="button" onClick={() => (status.syncing ? runtime.stopSync() : void runtime.startSync())}>{status.syncing ? 'Pause sync' : 'Resume sync'}</button></dd>
        <dt>Network</dt><dd>{status.online ? 'online' : 'offline'}</dd>
        <dt>Hubs</dt>
        <dd data-testid="hubs">
          {runtime.identity.hubs.length === 0 ? 'none configured: tablets sync directly' : (status.hubs.length === 0 ? runtime.identity.hubs.map((u) => `${u}: not connected from this tab`) : status.hubs.map((h) => `${h.url}: ${h.state === 'open' ? 'connected' : h.state}`)).join('; ')}
        </dd>
        <dt>Signaling</dt><dd>{runtime.identity.signaling.join(', ') || 'none'}</dd>
        <dt>Not yet on another device</dt>
        <dd class={status.atRisk > 0 ? 'warn' : 'ok'} data-testid="at-risk-detail">{status.atRisk === 0 ? 'none: every entry of this tablet is held elsewhere too' : `${status.atRisk} entr${status.atRisk === 1 ? 'y' : 'ies'} exist only here (lost if this tablet is)`}</dd>
        <dt>Storage</dt>
        <dd>
          {storage === undefined ? 'checking…' : (
            <>
              {storage.persisted ? 'protected (the browser will not clear it)' : 'not protected: the browser may clear it when space runs low'}
              {storage.usageBytes !== undefined && storage.quotaBytes !== undefined && `; ${bytesText(storage.usageBytes)} used of ${bytesText(storage.quotaBytes)}`}
            </>
          )}
          {storage !== undefined && !storage.persisted && (
            <>
              {' '}<button type="button" onClick={() => void runtime.persist()}>Ask to keep storage</button>
              {status.persistRefused && <p class="warn">The browser refused. Install the app (Add to home screen) or allow storage for this site in the browser’s settings; until then, keep the tablet syncing so its entries exist elsewhere.</p>}
            </>
          )}
        </dd>
      </dl>
      {alarms.length > 0 && (
        <div role="alert" class="feedback error">
          <strong>Clock skew:</strong>
          <ul>{alarms.map((a, i) => <li key={i}>{a.kind === 'clock-skew' ? a.detail : ''}</li>)}</ul>
        </div>
      )}

      <h3>Devices of this book</h3>
      <table aria-label="Devices" data-testid="devices">
        <thead>
          <tr><th scope="col">Device</th><th scope="col">Now</th><th scope="col">Last entry</th><th scope="col" class="num">Entries held</th><th scope="col">Missing here</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.peer}>
              <th scope="row">{r.name}{r.self ? ' (this tablet)' : ''}{r.roles.length > 0 ? ` — ${r.roles.join(', ')}` : ''}</th>
              <td class={r.retired ? 'bad' : r.online ? 'ok' : 'warn'}>{r.retired ? 'retired' : r.online ? 'online' : 'offline'}</td>
              <td>{r.lastSeenMs === undefined ? '—' : ago(r.lastSeenMs, now)}</td>
              <td class="num">{r.contiguous}{r.highest > r.contiguous ? ` (up to ${r.highest})` : ''}</td>
              <td>{r.missing.length === 0 ? 'nothing' : r.missing.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(status.presence?.missing.length ?? 0) > 0 && (
        <ul class="items">{status.presence!.missing.map((m, i) => <li key={i} class="warn">{describeMissing(m, nameOf)}</li>)}</ul>
      )}

      {mayEnrol && (
        <>
          <h3>Add a tablet</h3>
          <form class="row" onSubmit={(e) => { e.preventDefault(); void enrol(); }}>
            <div class="field">
              <label for="new-device">Name of the new tablet</label>
              <input id="new-device" value={newName} onInput={(e) => setNewName(e.currentTarget.value)} />
            </div>
            <label class="check"><input type="checkbox" checked={mayClose} onChange={(e) => setMayClose(e.currentTarget.checked)} /> May close the books</label>
            <button type="submit" class="primary">Enrol and make a pairing link</button>
          </form>
          {link !== undefined && (
            <div class="field">
              <label for="pairing-link">Pairing link (open it on the new tablet; it holds the book’s secret)</label>
              <textarea id="pairing-link" readOnly rows={3} value={link} data-testid="pairing-link" />
            </div>
          )}
          <form class="row" onSubmit={(e) => { e.preventDefault(); void enrolById(); }}>
            <div class="field">
              <label for="enrol-id">Enrol a tablet that already joined (its device id, then its name)</label>
              <input id="enrol-id" value={byId} onInput={(e) => setById(e.currentTarget.value)} />
            </div>
            <button type="submit">Enrol</button>
          </form>
          <details>
            <summary>Link to this book without a device (the tablet opening it shows its id to enrol)</summary>
            <p class="mono wrap">{pairingLinkOf(runtime, base)}</p>
          </details>
        </>
      )}
    </section>
  );
}

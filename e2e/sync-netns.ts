/**
 * A network that can really be cut, for the partition test: a Linux network
 * namespace joined to the host by a veth pair. A Chromium launched inside the
 * namespace reaches the page server, the signaling server and the other tablets only
 * through that cable, so `cut()` (the host end of the veth down) cuts WebRTC, the
 * signaling WebSocket and everything else, without the app being told; `heal()`
 * plugs it back in. Needs root (CAP_NET_ADMIN), which the test machine has.
 *
 * Each world has its own namespace and interface names (pid-based) on 10.213.0.0/24,
 * and `close()` deletes the namespace (which deletes the veth pair too).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, FLAGS } from './support/chromium.ts';

export interface NetnsCable {
  /** The host's address on the cable: bind servers here so the namespace can reach them. */
  hostAddress: string;
  /** Chromium inside the namespace, with `flags` beside FLAGS. */
  launchInside(flags: string[]): Promise<Browser>;
  cut(): void;
  heal(): void;
  close(): void;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

/** Make the namespace and the cable (up). */
export function openNetnsCable(): NetnsCable {
  const tag = `${process.pid % 100_000}`;
  const ns = `daybook-r3-${tag}`;
  const hostEnd = `dbh${tag}`;
  const nsEnd = `dbn${tag}`;
  const hostAddress = '10.213.0.1';
  ip('netns', 'add', ns);
  try {
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd);
    ip('link', 'set', nsEnd, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/24`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', '10.213.0.2/24', 'dev', nsEnd);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsEnd, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    // WebRTC gathers host candidates on the interface of the default route: give it one, through the cable.
    ip('netns', 'exec', ns, 'ip', 'route', 'add', 'default', 'via', hostAddress);
  } catch (error) {
    ip('netns', 'del', ns);
    throw error;
  }
  // playwright talks to Chromium over inherited pipes, which `ip netns exec` keeps.
  const dir = join(import.meta.dirname, '..', '.data', 'netns');
  mkdirSync(dir, { recursive: true });
  const wrapper = join(dir, `chromium-${ns}.sh`);
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return {
    hostAddress,
    launchInside: (flags) => chromium.launch({ executablePath: wrapper, args: [...FLAGS, ...flags], headless: true }),
    cut: () => void ip('link', 'set', hostEnd, 'down'),
    heal: () => void ip('link', 'set', hostEnd, 'up'),
    close: () => {
      try {
        ip('netns', 'del', ns);
      } finally {
        rmSync(wrapper, { force: true });
      }
    },
  };
}

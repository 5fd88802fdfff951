import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookId, PeerId } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { formatPairingLink, pairingLimits, parsePairingLink, type Pairing } from './pairing.ts';

const sample: Pairing = {
  book: 'corner-shop' as BookId,
  secret: 's3cret-of-the-book',
  signaling: ['ws://192.168.1.5:8080/signaling'],
  hubs: ['wss://hub.example.com/sync/corner-shop'],
  device: 'till-3' as PeerId,
  name: 'Till 3 — café',
};

function codeOf(json: unknown): string {
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

describe('pairing link', () => {
  it('round-trips through its link form, in the fragment of the page URL', () => {
    const link = formatPairingLink('https://shop.example/app/#/post', sample);
    expect(link.startsWith('https://shop.example/app/#pair=')).toBe(true);
    expect(parsePairingLink(link)).toEqual({ ok: true, value: sample });
    // The code alone and a bare fragment are accepted too.
    expect(parsePairingLink(link.slice(link.indexOf('#')))).toEqual({ ok: true, value: sample });
    expect(parsePairingLink(link.slice(link.indexOf('=') + 1))).toEqual({ ok: true, value: sample });
  });

  it('leaves out the optional device and name', () => {
    const bare: Pairing = { book: sample.book, secret: sample.secret, signaling: sample.signaling, hubs: [] };
    expect(parsePairingLink(formatPairingLink('http://h/', bare))).toEqual({ ok: true, value: bare });
  });

  it('refuses bad links with a reason, never throwing', () => {
    const cases: Array<[unknown, string]> = [
      [undefined, 'not-a-link'],
      [42, 'not-a-link'],
      ['', 'not-a-link'],
      ['https://shop.example/', 'not-a-link'],
      ['#pair=%%%', 'not-a-link'],
      ['#pair=abc', 'bad-encoding'],
      [`#pair=${codeOf([1, 2])}`, 'bad-encoding'],
      [`#pair=${codeOf({ ...sample, v: 2 })}`, 'bad-version'],
      [`#pair=${codeOf({ ...sample, v: 1, book: 'a b' })}`, 'bad-field'],
      [`#pair=${codeOf({ ...sample, v: 1, secret: 'short' })}`, 'bad-field'],
      [`#pair=${codeOf({ ...sample, v: 1, signaling: ['http://x/'] })}`, 'bad-field'],
      [`#pair=${codeOf({ ...sample, v: 1, signaling: [], hubs: [] })}`, 'bad-field'],
      [`#pair=${codeOf({ ...sample, v: 1, device: '' })}`, 'bad-field'],
      [`#pair=${codeOf({ ...sample, v: 1, name: 'x'.repeat(65) })}`, 'bad-field'],
      ['#pair=' + 'A'.repeat(pairingLimits.linkCharsMax), 'too-long'],
    ];
    for (const [input, code] of cases) {
      const result = parsePairingLink(input);
      expect(result.ok, String(input).slice(0, 60)).toBe(false);
      if (!result.ok) {
        expect(result.refusal.code, String(input).slice(0, 60)).toBe(code);
        expect(result.refusal.message.length).toBeGreaterThan(10);
      }
    }
  });

  it('any string is parsed or refused, never thrown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `#pair=${s}`), fc.base64String().map((s) => `#pair=${s.replace(/=/g, '')}`)), (text) => {
        const result = parsePairingLink(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: propertyRuns() },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { checkNewBook, defaultSignaling, type NewBookInput } from './setup.ts';

const input: NewBookInput = { storeName: 'Corner shop', currency: 'EUR', timezone: 'Europe/Berlin', period: 'day', deviceName: 'Manager', signaling: [], hubs: [] };

describe('first start', () => {
  it('checks the new-book form field by field', () => {
    expect(checkNewBook(input)).toEqual({});
    expect(Object.keys(checkNewBook({ ...input, storeName: ' ', currency: 'euro', timezone: 'Mars/Base', deviceName: '' })).sort()).toEqual(['currency', 'deviceName', 'storeName', 'timezone']);
  });
  it('finds the hub’s signaling on the page’s own host', () => {
    expect(defaultSignaling({ protocol: 'https:', host: 'shop.example' })).toBe('wss://shop.example/signaling');
    expect(defaultSignaling({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/signaling');
  });
});

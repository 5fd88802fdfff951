/**
 * The registration outside a browser. The update flow itself needs a real service
 * worker and is proven in real Chromium (e2e/pwa-update.spec.ts); here: where
 * service workers are unavailable, registering is a quiet no-op.
 */
import { describe, expect, it, vi } from 'vitest';
import { appVersion, registerServiceWorker, updateCheckIntervalMs } from './sw-register.ts';

describe('registerServiceWorker', () => {
  it('does nothing and never announces an update where service workers are unavailable', async () => {
    const onUpdateReady = vi.fn();
    vi.stubGlobal('navigator', { userAgent: 'no service workers here' });
    try {
      await expect(registerServiceWorker(onUpdateReady)).resolves.toBeUndefined();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(onUpdateReady).not.toHaveBeenCalled();
  });

  it('knows its version even unbuilt, and checks for updates at a sane pace', () => {
    expect(appVersion).toBe('dev');
    expect(updateCheckIntervalMs).toBeGreaterThanOrEqual(60_000);
  });
});

/**
 * The platform's storage guardrails (navigator.storage): asking the browser not to
 * evict the journal, and how much room is left. Without persistence a browser may
 * clear an origin's IndexedDB under storage pressure, taking unsynced entries with it.
 */
import type { StorageStatus } from './journal.ts';

/**
 * Ask for persistent storage; resolves to the browser's answer (false where there
 * is no StorageManager, or when the request itself fails). Never rejects.
 */
export async function requestPersistence(storage: StorageManager | undefined): Promise<boolean> {
  if (storage?.persist === undefined) return false;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}

/** Whether storage is persistent, and the usage and quota the browser reports. Never rejects. */
export async function storageStatusOf(storage: StorageManager | undefined): Promise<StorageStatus> {
  if (storage === undefined) return { persisted: false };
  const persisted = await storage.persisted?.().catch(() => false) ?? false;
  const estimate = await storage.estimate?.().catch(() => undefined);
  const status: StorageStatus = { persisted };
  if (estimate?.usage !== undefined) status.usageBytes = estimate.usage;
  if (estimate?.quota !== undefined) status.quotaBytes = estimate.quota;
  return status;
}

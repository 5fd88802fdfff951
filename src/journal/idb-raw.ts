/**
 * Plain IndexedDB transactions for the journal's hot paths. Dexie opens the
 * database and owns its schema, but its transaction machinery costs about a
 * millisecond per transaction in Chromium here, as much as the strict commit
 * itself (bench/journal.browser.bench.ts), so appends and ingests talk to the
 * IDBDatabase underneath directly.
 */

/** Reports a failure found inside a transaction: the transaction aborts and runTx rejects with `error`. */
export type Fail = (error: Error) => void;

/**
 * Run `body` in a new transaction and resolve once it committed (for readwrite:
 * with durability 'strict', so on disk). Rejects with the DOMException that
 * aborted it (QuotaExceededError, ConstraintError, AbortError, ...), with the error
 * given to `fail`, or with what creating the transaction threw (InvalidStateError
 * on a closed connection). With `commitNow`, the transaction is committed right
 * after `body` (which must then issue every request without waiting for results).
 */
export function runTx(
  idb: IDBDatabase,
  stores: readonly string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction, fail: Fail) => void,
  options: { commitNow?: boolean } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    let tx: IDBTransaction;
    try {
      tx = idb.transaction([...stores], mode, { durability: 'strict' });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const fail: Fail = (error) => {
      failure ??= error;
      try {
        tx.abort();
      } catch {
        // Already finishing: onabort or oncomplete reports it.
      }
    };
    tx.oncomplete = () => (failure === undefined ? resolve() : reject(failure));
    tx.onabort = () => reject(failure ?? tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
    try {
      body(tx, fail);
      // A write that issued all its requests up front need not wait for the page to
      // see their success events before the browser starts committing.
      if (options.commitNow === true && failure === undefined) tx.commit();
    } catch (error) {
      fail(error as Error);
    }
  });
}

/**
 * Call `then` with the request's result once it succeeds (inside the transaction,
 * so it may issue more requests). An error it throws aborts the transaction and
 * becomes runTx's rejection.
 */
export function onResult<T>(request: IDBRequest<T>, fail: Fail, then: (result: T) => void): void {
  request.onsuccess = () => {
    try {
      then(request.result);
    } catch (error) {
      fail(error as Error);
    }
  };
}

/**
 * Live queries: a subscriber names a query and hears its answer again whenever it
 * changes. After each batch the store describes what changed (a `Change`); only the
 * subscriptions that change could affect are evaluated again, and a callback runs only
 * when the new answer differs from the last one it was given.
 */
import { sameAnswer } from './same.ts';

/** How a live query is evaluated and when it may need to be. */
export interface LiveSource<Q, C> {
  answer(query: Q): unknown;
  /** False only when `change` cannot alter `query`'s answer. */
  mayChange(query: Q, change: C): boolean;
}

export type Listener = (answer: unknown) => void;

interface Subscription<Q> {
  query: Q;
  listener: Listener;
  last: unknown;
}

/** Subscriptions to one store. */
export class LiveQueries<Q, C> {
  readonly #source: LiveSource<Q, C>;
  readonly #subs = new Set<Subscription<Q>>();
  /** Evaluations made, for tests and figures: proof that unaffected queries are skipped. */
  evaluations = 0;

  constructor(source: LiveSource<Q, C>) {
    this.#source = source;
  }

  /**
   * Call `listener` with the current answer now, then with each changed answer. Returns
   * the function that ends the subscription. Listeners run synchronously, in
   * subscription order; one that throws does not stop the others (see `notify`).
   */
  subscribe(query: Q, listener: Listener): () => void {
    const sub: Subscription<Q> = { query, listener, last: this.#evaluate(query) };
    this.#subs.add(sub);
    listener(sub.last);
    return () => {
      this.#subs.delete(sub);
    };
  }

  get size(): number {
    return this.#subs.size;
  }

  /**
   * Re-evaluate the subscriptions `change` may affect and call those whose answer
   * changed. Every listener runs even if one throws; the errors are then thrown
   * together as one AggregateError, after the store's state is already consistent.
   */
  notify(change: C): void {
    const errors: unknown[] = [];
    for (const sub of [...this.#subs]) {
      if (!this.#subs.has(sub) || !this.#source.mayChange(sub.query, change)) continue;
      const next = this.#evaluate(sub.query);
      if (sameAnswer(next, sub.last)) continue;
      sub.last = next;
      try {
        sub.listener(next);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} live query listener(s) failed`);
  }

  #evaluate(query: Q): unknown {
    this.evaluations++;
    return this.#source.answer(query);
  }
}

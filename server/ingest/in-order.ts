/**
 * Runs steps in the order they were handed over, each once its own preparation (an asynchronous lookup) is done,
 * while later preparations run meanwhile. With nothing to prepare and nothing queued, a step runs at once, inside the
 * caller's turn: on SQLite (synchronous lookups) deliveries are applied exactly as they arrive, with no added await.
 *
 * A preparation that fails fails its own step only (the caller answers 503); the steps behind it still run in order.
 * Only a step's own turn is ordered: what it hands on (the promise it returns: the delivery's commit) is not waited
 * for, so the deliveries applied while one batch commits join the next batch (group commit), as on SQLite.
 */
export class InOrder {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  run<P, T>(prepared: Promise<P> | undefined, step: (value: P | undefined) => T): T | Promise<T> {
    if (prepared === undefined && this.queued === 0) return step(undefined);
    this.queued++;
    // Handled now (it may fail before its turn); its failure still reaches this step's caller below.
    prepared?.catch(() => undefined);
    // Boxed, so the step's returned promise is not adopted into the chain the next step waits on.
    const turn = this.tail.then(() => prepared).then((value) => ({ out: step(value) }));
    this.tail = turn.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    return turn.then((box) => box.out);
  }

  /** Steps handed over and not yet run. */
  get waiting(): number {
    return this.queued;
  }
}

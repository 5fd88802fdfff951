/** Limits of the hub's database layer, in one place. */
export const dbLimits = {
  /** Connections one hub process keeps to PostgreSQL unless configured otherwise. */
  poolConnectionsDefault: 8,
  /** The most connections a hub process may be configured to keep. */
  poolConnectionsMax: 100,
  /**
   * Inputs of an ingest batch validated at a time; between slices the event loop
   * runs, so the previous batch's transaction keeps exchanging statements with the
   * server while this one is validated (validation and writing overlap).
   */
  screenSliceEntries: 250,
  /** How long opening waits for PostgreSQL to answer before giving up, in ms. */
  connectTimeoutMs: 5000,
} as const;

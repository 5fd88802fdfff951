/**
 * How many cases a property test runs. At least 1,000 in CI (the floor);
 * override with DAYBOOK_PROPERTY_RUNS for a long local run.
 */
export function propertyRuns(fallback = 1000): number {
  const fromEnv = Number(process.env['DAYBOOK_PROPERTY_RUNS']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

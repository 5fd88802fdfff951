/**
 * Structural equality of answers (plain data: bigint, arrays, plain objects). Live
 * queries call back only when an answer changed, so the comparison must see a changed
 * bigint or a reordered row, and must not see a fresh object with the same content.
 */

/** True when `a` and `b` are the same plain data. */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameAnswer(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  if (keys.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
  for (const key of keys) if (!sameAnswer(ra[key], rb[key])) return false;
  return true;
}

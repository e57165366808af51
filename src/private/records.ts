/** A copy of a string record with its keys in code-point order, for byte-stable output. */
export function sortKeys<T>(data: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

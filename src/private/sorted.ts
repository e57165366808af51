/**
 * Searches in ascending arrays of offsets: line starts, anchors.
 */

/** The index of the last of the ascending `values` that is at most `target`, or -1 when none is. */
export function lastAtOrBefore(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (values[mid] <= target) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

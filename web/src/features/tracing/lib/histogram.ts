// Fills in the empty bins of a histogram from the metrics API, which
// returns only bins that hold values. Bins are equal-width between the
// smallest lower and the largest upper bound, so the missing ones can be
// rebuilt from `binCount`.

export interface Bin {
  lower: number;
  upper: number;
  count: number;
}

export function fillHistogram(bins: Bin[], binCount: number): Bin[] {
  if (bins.length === 0) return [];
  const low = Math.min(...bins.map((bin) => bin.lower));
  const high = Math.max(...bins.map((bin) => bin.upper));
  // All values equal: the API returns one bin [v, v].
  if (high === low || binCount <= 1) return [{ lower: low, upper: high, count: bins.reduce((sum, bin) => sum + bin.count, 0) }];
  const width = (high - low) / binCount;
  const filled: Bin[] = [];
  for (let index = 0; index < binCount; index++) {
    filled.push({ lower: low + index * width, upper: low + (index + 1) * width, count: 0 });
  }
  for (const bin of bins) {
    const index = Math.min(binCount - 1, Math.max(0, Math.round((bin.lower - low) / width)));
    filled[index].count += bin.count;
  }
  return filled;
}

// Thinning a long series for a chart without hiding its spikes: the points are cut into buckets and
// each bucket keeps its lowest and its highest point (in their order), plus the first and last point
// of the series. A 20,000-block run draws with 2,000 points per line and every crash still shows.

/** The most points a report draws for one line. */
export const MAX_POINTS_PER_LINE = 2_000;

export interface Series {
  x: number[];
  y: number[];
}

export function downsample(series: Series, maxPoints = MAX_POINTS_PER_LINE): Series {
  const { x, y } = series;
  if (x.length !== y.length) throw new RangeError(`downsample: ${x.length} x values but ${y.length} y values`);
  if (!(Number.isInteger(maxPoints) && maxPoints >= 4))
    throw new RangeError(`downsample: maxPoints must be an integer ≥ 4, got ${maxPoints}`);
  const n = x.length;
  if (n <= maxPoints) return { x: [...x], y: [...y] };

  const out: Series = { x: [x[0]], y: [y[0]] };
  const keep = (i: number) => {
    out.x.push(x[i]);
    out.y.push(y[i]);
  };
  // Interior points 1 … n−2 in `buckets` equal slices, two points each at most.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const interior = n - 2;
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = 1 + Math.floor((bucket * interior) / buckets);
    const end = 1 + Math.floor(((bucket + 1) * interior) / buckets);
    if (end <= start) continue;
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      if (y[i] < y[low]) low = i;
      if (y[i] > y[high]) high = i;
    }
    if (low === high) keep(low);
    else if (low < high) keep(low), keep(high);
    else keep(high), keep(low);
  }
  keep(n - 1);
  return out;
}

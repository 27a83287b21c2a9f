// What each module of `bin/arena bench:llm` (bench/llm.ts) gives back: its figures, merged into
// bench/results/llm.json, and the lines it prints.

export interface LlmMeasurement {
  /** Top-level fields of bench/results/llm.json (`concurrencySpeedup`, ...), and their details. */
  results: Record<string, unknown>;
  /** What bench:llm prints for it. */
  lines: string[];
}

export interface LlmMeasure {
  /** A short name (`concurrency`): `MEASURES=concurrency bin/arena bench:llm` runs only the measures named. */
  name: string;
  measure: () => Promise<LlmMeasurement>;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

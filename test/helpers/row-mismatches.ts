// Two engines' steps.csv rows compared column by column: the first differences, named by step and column.

import type { StepRow } from "../../agents/mechanisms/vocabulary.ts";

/** Up to `limit` differences between the model's and the chain's rows in `columns`, as "step N column: model x, chain y". */
export function rowMismatches(
  modelRows: readonly StepRow[],
  chainRows: readonly StepRow[],
  columns: readonly (keyof StepRow)[],
  limit = 10,
): string[] {
  const mismatches: string[] = [];
  modelRows.forEach((row, i) => {
    for (const c of columns)
      if (row[c] !== chainRows[i]![c])
        mismatches.push(`step ${i + 1} ${c}: model ${row[c]}, chain ${chainRows[i]![c]}`);
  });
  return mismatches.slice(0, limit);
}

// The name of the error a call reverted with, as the in-process chain reports it ("reverted with
// custom error 'SlippageExceeded(1, 2)'"), to compare with a ModelRevert's errorName.

export function revertName(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const custom = /reverted with custom error '(\w+)\(/.exec(message);
  if (custom) return custom[1]!;
  const panic = /reverted with panic code (0x[0-9a-f]+)/.exec(message);
  if (panic) return "Panic";
  throw error;
}

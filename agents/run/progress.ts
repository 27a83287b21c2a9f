// A progress bar on a terminal (redrawn in place on stderr), or a line every 10% when stderr is not
// one (CI logs), with the rate and the time left.

export interface Progress {
  update(done: number, detail: string): void;
  finish(): void;
}

const WIDTH = 28;

export function progressBar(
  total: number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  quiet = false,
): Progress {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done, detail) {
      if (quiet) return;
      const now = performance.now();
      const fraction = total === 0 ? 1 : done / total;
      const elapsed = (now - started) / 1000;
      const eta = done === 0 ? "" : ` · ${formatSeconds((elapsed / done) * (total - done))} left`;
      if (tty) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const filled = Math.round(fraction * WIDTH);
        stream.write(
          `\r${label} [${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}] ${done}/${total}${eta} · ${detail}\x1b[K`,
        );
        drawn = true;
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${label} ${Math.round(fraction * 100)}% (${done}/${total})${eta} · ${detail}\n`);
      }
    },
    finish() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, "0")}s`;
}

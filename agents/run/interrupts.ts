// Ctrl-C while a battle or an experiment runs: the first stops it after the work in hand and the files
// are finished as usual; a second says what is still being written and waits for it; a third quits
// at once, saying what was not written and how to get it. Without this, Node's default for a second
// SIGINT would end the process silently before the summary or the report is on disk.

export interface InterruptHandlers {
  /** The first Ctrl-C: stop after the current block (or run). */
  stop: () => void;
  /** What a second Ctrl-C prints: what is still being written. */
  waiting: () => string;
  /** What a third prints before the process quits with status 130: what was not written, and how to get it. */
  quitting: () => string;
  /** Called just before quitting (e.g. to move a finished folder into place); default nothing. */
  beforeQuit?: () => void;
  /** Where the messages go; stderr by default. */
  write?: (line: string) => void;
  /** How to quit; process.exit by default. */
  exit?: (code: number) => void;
}

/** Listens for SIGINT until the returned function is called. */
export function handleInterrupts(handlers: InterruptHandlers): () => void {
  const write = handlers.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = handlers.exit ?? ((code: number) => process.exit(code));
  let count = 0;
  const listener = () => {
    count++;
    if (count === 1) handlers.stop();
    else if (count === 2) write(handlers.waiting());
    else {
      try {
        handlers.beforeQuit?.();
      } catch {
        // Quitting anyway: the message says what is where.
      }
      write(handlers.quitting());
      exit(130);
    }
  };
  process.on("SIGINT", listener);
  return () => process.removeListener("SIGINT", listener);
}

// The wait between two trades of one behaviour, counted in the observation's steps (not in calls),
// so a behaviour that is skipped for a step, or given steps out of a bandit's rota, waits the same.

export class Cooldown {
  private lastTradeStep: number | undefined;

  /** `steps` whole steps must pass after a trade before the next one (0: trade every step). */
  constructor(private readonly steps: number) {}

  ready(step: number): boolean {
    return this.lastTradeStep === undefined || step - this.lastTradeStep > this.steps;
  }

  /** Starts the wait: call when the behaviour emits a trade at `step`. */
  start(step: number): void {
    this.lastTradeStep = step;
  }
}

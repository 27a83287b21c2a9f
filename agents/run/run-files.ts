// The names of the files in a run folder (see records.ts for what each holds).

export const RUN_FILES = {
  steps: "steps.csv",
  agents: "agents.csv",
  gas: "gas.json",
  summary: "summary.json",
  report: "report.html",
} as const;

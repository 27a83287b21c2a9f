import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, overrideTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

import quietTransientStorageWarning from "./plugins/quiet-transient-storage-warning.ts";

// Compile offline with the npm `solc` package's soljson.js: Hardhat cannot reach its compiler list here.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const soljson = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, quietTransientStorageWarning],
  tasks: [
    task("deploy", "Deploy Token Arena from a genesis file and write deployments/<network>.json")
      .addOption({
        name: "genesis",
        description: "Genesis file (JSON) describing the launch",
        defaultValue: "genesis/default.json",
      })
      .addFlag({
        name: "allowLive",
        description: "Allow deploying to a chain that is not local (chain id other than 31337/1337)",
      })
      .setAction(() => import("./scripts/deploy.ts"))
      .build(),
    task("battle", "Run a scenario's agents block by block against the contracts and write a run folder")
      .addOption({
        name: "scenario",
        description: "Scenario file (YAML or JSON); scenarios/calm.yaml when empty",
        defaultValue: "",
      })
      .addOption({
        name: "seed",
        description: "Seed of the run's random generator (the scenario's when empty)",
        defaultValue: "",
      })
      .addOption({ name: "blocks", description: "Blocks to run (the scenario's when empty)", defaultValue: "" })
      .addOption({
        name: "out",
        description:
          "Run folder (runs/<scenario>-seed<seed>, or runs/<scenario>-<genesis>-seed<seed> with --genesis, when empty)",
        defaultValue: "",
      })
      .addFlag({ name: "force", description: "Replace the run files of an --out folder that holds a run" })
      .addOption({
        name: "genesis",
        description: "Another genesis file for the same agents (the scenario's when empty)",
        defaultValue: "",
      })
      .addFlag({ name: "allowLive", description: "Allow a chain that is not local (chain id other than 31337/1337)" })
      .addFlag({ name: "quiet", description: "No progress bar or set-up lines" })
      .addFlag({
        name: "live",
        description: "Serve a live view of the battle on 127.0.0.1 (a free port, printed) while it runs",
      })
      .addFlag({ name: "liveKeep", description: "As --live, and keep serving after the battle ends until Ctrl-C" })
      .addOption({
        name: "llm",
        description:
          "Language-model agents: replay (answers from the cassette, no network; when empty), record or live",
        defaultValue: "",
      })
      .addOption({
        name: "cassette",
        description:
          "The cassette folder (the scenario's llm.cassette, else <scenario>.cassette/ beside it, when empty)",
        defaultValue: "",
      })
      .setAction(() => import("./scripts/battle.ts"))
      .build(),
    task(
      "evaluate",
      "Evaluate a proposal on snapshots: the scenario's agents with and without the change, a markdown report and the predicted vote",
    )
      .addOption({
        name: "scenario",
        description: "Scenario whose agents (and genesis) to run; scenarios/calm.yaml when empty",
        defaultValue: "",
      })
      .addOption({
        name: "change",
        description: "A draft: key=value in human units, comma-separated (market.buyFeeBps=150,curve.basePrice=0.012)",
        defaultValue: "",
      })
      .addOption({
        name: "id",
        description: "A proposal submitted on --network (with deployments/<network>.json)",
        defaultValue: "",
      })
      .addOption({
        name: "description",
        description: "The draft's description (a default names the changes)",
        defaultValue: "",
      })
      .addOption({
        name: "seeds",
        description: "Seeds: pairs of arms, with and without the change",
        defaultValue: "5",
      })
      .addOption({
        name: "blocks",
        description: "Blocks each arm runs after the change takes effect",
        defaultValue: "200",
      })
      .addOption({
        name: "warmup",
        description: "Scenario blocks to run first, so the evaluation starts from a lived-in market",
        defaultValue: "0",
      })
      .addOption({
        name: "out",
        description: "Report path (runs/evaluate-<scenario>-<changes|id>.md when empty)",
        defaultValue: "",
      })
      .addOption({
        name: "summary",
        description:
          "llm: a model (the scenario's llm section) writes the forum post, <report>.post.md, quoting only the report's figures",
        defaultValue: "",
      })
      .addOption({
        name: "llm",
        description:
          "With --summary llm: replay (the answer from the cassette, no network; when empty), record or live",
        defaultValue: "",
      })
      .addOption({
        name: "cassette",
        description:
          "The cassette folder (the scenario's llm.cassette, else <scenario>.cassette/ beside it, when empty)",
        defaultValue: "",
      })
      .addFlag({ name: "force", description: "Replace the report (and its post) if the file exists" })
      .addFlag({ name: "quiet", description: "No progress lines" })
      .setAction(() => import("./scripts/evaluate.ts"))
      .build(),
    task(
      "gas-profile",
      "Print a recorded run's gas profile: count, min, median, p95, max, total per function, agent, behaviour, policy",
    )
      .addOption({
        name: "run",
        description: "Run folder (or its gas.json)",
        type: ArgumentType.STRING_WITHOUT_DEFAULT,
        defaultValue: undefined,
      })
      .addOption({ name: "by", description: "function, agent, behaviour, policy or all", defaultValue: "all" })
      .addOption({ name: "limit", description: "Rows per table (0 = all)", defaultValue: "0" })
      .setAction(() => import("./scripts/gas-profile.ts"))
      .build(),
    task("gas-compare", "Compare the gas profiles of two recorded runs side by side, with deltas")
      .addOption({
        name: "a",
        description: "Baseline run folder",
        type: ArgumentType.STRING_WITHOUT_DEFAULT,
        defaultValue: undefined,
      })
      .addOption({
        name: "b",
        description: "Run folder compared with it",
        type: ArgumentType.STRING_WITHOUT_DEFAULT,
        defaultValue: undefined,
      })
      .addOption({ name: "by", description: "function, agent, behaviour, policy or all", defaultValue: "function" })
      .addOption({ name: "limit", description: "Rows per table (0 = all)", defaultValue: "0" })
      .addOption({
        name: "out",
        description: "Also write the comparison as a markdown file",
        type: ArgumentType.STRING_WITHOUT_DEFAULT,
        defaultValue: undefined,
      })
      .addFlag({ name: "force", description: "Replace the --out file if it exists" })
      .setAction(() => import("./scripts/gas-compare.ts"))
      .build(),
    task(
      "propose",
      "Propose parameter changes (checked against the store's bounds, step and interval first). By hand against --network localhost (a `hardhat node`) or an RPC network with deployments/<network>.json; the in-process network starts a fresh chain per command",
    )
      .addOption({
        name: "change",
        description: "Changes as key=value in human units, comma-separated: market.buyFeeBps=120,curve.basePrice=0.011",
        defaultValue: "",
      })
      .addVariadicArgument({ name: "changes", description: "More key=value changes", defaultValue: [] })
      .addOption({ name: "description", description: "What the proposal changes and why", defaultValue: "" })
      .addFlag({ name: "unpause", description: "Also unpause the market (after a guardian's pause)" })
      .addOption({
        name: "from",
        description: "Proposer: index of the node's account",
        type: ArgumentType.INT,
        defaultValue: 0,
      })
      .addFlag({
        name: "allowLive",
        description: "Allow sending to a chain that is not local (chain id other than 31337/1337)",
      })
      .setAction(() => import("./scripts/propose.ts"))
      .build(),
    task(
      "proposals",
      "List proposals: state, for/against/abstain, quorum, voting blocks, eta; or one in full with --id. Reads deployments/<network>.json; use --network localhost for a `hardhat node`",
    )
      .addOption({
        name: "id",
        description: "Proposal: #N from `proposals`, its id, or the id's first digits (5+); all when empty",
        defaultValue: "",
      })
      .addOption({
        name: "state",
        description: "Only this state: pending, active, defeated, succeeded, queued, executed, canceled, expired",
        defaultValue: "",
      })
      .setAction(() => import("./scripts/proposals.ts"))
      .build(),
    task(
      "vote",
      "Vote on an active proposal, with a reason. By hand against --network localhost (a `hardhat node`) or an RPC network with deployments/<network>.json; the in-process network starts a fresh chain per command",
    )
      .addOption({
        name: "id",
        description: "Proposal: #N from `proposals`, its id, or the id's first digits (5+)",
        defaultValue: "",
      })
      .addOption({ name: "support", description: "for, against or abstain", defaultValue: "for" })
      .addOption({ name: "reason", description: "Why (recorded on chain with the vote)", defaultValue: "" })
      .addOption({
        name: "from",
        description: "Voter: index of the node's account",
        type: ArgumentType.INT,
        defaultValue: 0,
      })
      .addFlag({
        name: "allowLive",
        description: "Allow sending to a chain that is not local (chain id other than 31337/1337)",
      })
      .setAction(() => import("./scripts/vote.ts"))
      .build(),
    task(
      "queue",
      "Queue a proposal that passed into the Timelock. By hand against --network localhost (a `hardhat node`) or an RPC network with deployments/<network>.json; the in-process network starts a fresh chain per command",
    )
      .addOption({
        name: "id",
        description: "Proposal: #N from `proposals`, its id, or the id's first digits (5+)",
        defaultValue: "",
      })
      .addOption({
        name: "from",
        description: "Sender: index of the node's account",
        type: ArgumentType.INT,
        defaultValue: 0,
      })
      .addFlag({
        name: "allowLive",
        description: "Allow sending to a chain that is not local (chain id other than 31337/1337)",
      })
      .setAction(() => import("./scripts/queue.ts"))
      .build(),
    task(
      "execute",
      "Execute a queued proposal once its eta has come. By hand against --network localhost (a `hardhat node`) or an RPC network with deployments/<network>.json; the in-process network starts a fresh chain per command",
    )
      .addOption({
        name: "id",
        description: "Proposal: #N from `proposals`, its id, or the id's first digits (5+)",
        defaultValue: "",
      })
      .addOption({
        name: "from",
        description: "Sender: index of the node's account",
        type: ArgumentType.INT,
        defaultValue: 0,
      })
      .addFlag({
        name: "allowLive",
        description: "Allow sending to a chain that is not local (chain id other than 31337/1337)",
      })
      .setAction(() => import("./scripts/execute.ts"))
      .build(),
    task(
      "advance",
      "Local node only (--network localhost): mine blocks and move time to a proposal's voting start, voting end or eta, or by --blocks/--seconds",
    )
      .addOption({
        name: "to",
        description: "start (voting opens), end (voting over) or eta (may execute); needs --id",
        defaultValue: "",
      })
      .addOption({
        name: "id",
        description: "Proposal: #N from `proposals`, its id, or the id's first digits (5+)",
        defaultValue: "",
      })
      .addOption({ name: "blocks", description: "Mine this many blocks, 1 s apart", defaultValue: "" })
      .addOption({
        name: "seconds",
        description: "Mine one block this many seconds after the latest",
        defaultValue: "",
      })
      .setAction(() => import("./scripts/advance.ts"))
      .build(),
    // Hardhat's node, on 127.0.0.1 unless --hostname says otherwise (Hardhat alone binds 0.0.0.0 inside Docker).
    overrideTask("node")
      .setAction(() => import("./scripts/node.ts"))
      .build(),
    task(
      "anvil",
      "Start Anvil (Foundry's node, from npm) on 127.0.0.1 with the flags a battle needs, for --network localhost",
    )
      .addOption({ name: "port", description: "Port to listen on", type: ArgumentType.INT, defaultValue: 8545 })
      .addOption({
        name: "mode",
        description:
          "The scenarios' ordering mode: sequential (mempool in arrival order) or priority (by priority fee)",
        defaultValue: "sequential",
      })
      .setAction(() => import("./scripts/anvil.ts"))
      .build(),
    task(
      "experiment",
      "Run a grid of parameters × seeds on worker threads (chain, model or screen engine) into runs.csv, best.json and report.html",
    )
      .addOption({
        name: "file",
        description: "Experiment file (YAML or JSON); experiments/README.md documents it",
        type: ArgumentType.STRING_WITHOUT_DEFAULT,
        defaultValue: undefined,
      })
      .addOption({ name: "engine", description: "chain, model or screen (the file's when empty)", defaultValue: "" })
      .addOption({
        name: "workers",
        description: "Worker threads (the file's, else the machine's parallelism, when empty)",
        defaultValue: "",
      })
      .addOption({ name: "out", description: "Results folder (experiments/out/<name> when empty)", defaultValue: "" })
      .addFlag({ name: "resume", description: "Continue the runs already recorded in the results folder" })
      .addFlag({
        name: "force",
        description: "Start over in a results folder that holds an experiment (its result files are replaced)",
      })
      .addFlag({ name: "quiet", description: "No progress bar" })
      .addFlag({
        name: "live",
        description: "Serve a live view (progress, ETA, the objectives' heat maps) on 127.0.0.1 while it runs",
      })
      .addFlag({ name: "liveKeep", description: "As --live, and keep serving after the experiment ends until Ctrl-C" })
      .addOption({
        name: "queue",
        description: "Run on `worker` processes through this Redis (redis://host:port) instead of this machine",
        defaultValue: "",
      })
      .addFlag({
        name: "collect",
        description: "With --queue: gather the queued experiment's results, enqueue nothing",
      })
      .addOption({ name: "chunk", description: "With --queue: runs per queued job (16 when empty)", defaultValue: "" })
      .setAction(() => import("./scripts/experiment.ts"))
      .build(),
    task("strategy", "A language model writes and improves one agent's strategy: init, improve, or beat a target")
      .addPositionalArgument({ name: "command", description: "init, improve or beat" })
      .addOption({
        name: "scenario",
        description: "Scenario whose agent it writes for (with an llm: section)",
        defaultValue: "",
      })
      .addOption({ name: "agent", description: "The agent whose behaviours the strategy replaces", defaultValue: "" })
      .addOption({
        name: "goal",
        description: "What the strategy should do, in words, for the model",
        defaultValue: "",
      })
      .addOption({
        name: "metric",
        description: "What it is scored by (agents.<agent>.returnBps when empty)",
        defaultValue: "",
      })
      .addOption({ name: "target", description: "beat: the strategy file to beat", defaultValue: "" })
      .addOption({ name: "generations", description: "Candidates to ask for", defaultValue: "3" })
      .addOption({ name: "seeds", description: "Seeds each candidate runs on the fast model", defaultValue: "5" })
      .addOption({ name: "confirmSeeds", description: "Of those, seeds confirmed on the chain", defaultValue: "2" })
      .addOption({ name: "name", description: "strategies/<name>/ (<scenario>-<agent> when empty)", defaultValue: "" })
      .setAction(() => import("./scripts/strategy.ts"))
      .build(),
    task("view", "Serve a live view of a run folder or an experiment's results folder, finished or still being written")
      .addPositionalArgument({ name: "folder", description: "A battle's run folder or an experiment's results folder" })
      .addOption({ name: "port", description: "Port on 127.0.0.1 (a free one when empty)", defaultValue: "" })
      .setAction(() => import("./scripts/view.ts"))
      .build(),
    task("worker", "Run queued experiment chunks (experiment --queue) on this machine until Ctrl-C")
      .addOption({ name: "queue", description: "The experiments' Redis (redis://host:port)", defaultValue: "" })
      .addOption({ name: "threads", description: "Chunks at once (the machine's cores when empty)", defaultValue: "" })
      .addOption({
        name: "stallSeconds",
        description: "A chunk whose worker stops renewing its lock this long runs again elsewhere (30 when empty)",
        defaultValue: "",
      })
      .setAction(() => import("./scripts/worker.ts"))
      .build(),
  ],
  solidity: {
    version: SOLC_VERSION,
    path: soljson,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
      // Storage layouts in the build info (no effect on bytecode): agents/chain/ walks them to copy a chain's state.
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  // Hardhat 3 reads the Solidity test settings from `test.solidity`.
  test: {
    solidity: {
      fuzz: { runs: 256, seed: "0x5eed" },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
  networks: {
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    live: {
      type: "http",
      chainType: "l1",
      url: configVariable("ARENA_RPC_URL"),
      accounts: [configVariable("ARENA_PRIVATE_KEY")],
    },
  },
});

import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, task } from "hardhat/config";

// Compile offline with the npm `solc` package's soljson.js: Hardhat cannot reach its compiler list here.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const soljson = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks: [
    task("deploy", "Deploy Token Arena from a genesis file and write deployments/<network>.json")
      .addOption({ name: "genesis", description: "Genesis file (JSON) describing the launch", defaultValue: "genesis/default.json" })
      .addFlag({ name: "allowLive", description: "Allow deploying to a chain that is not local (chain id other than 31337/1337)" })
      .setAction(() => import("./scripts/deploy.ts"))
      .build(),
  ],
  solidity: {
    version: SOLC_VERSION,
    path: soljson,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
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

// `hardhat evaluate --summary llm` as a user runs it: after the report, the scenario's model writes the
// forum post beside it, and a post quoting a figure the report does not have is refused with the
// figures listed, the report kept and no post written. The model is the loopback test server speaking
// OpenAI's protocol to the real SDK.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { type LlmServer, startLlmServer } from "./helpers/llm-server.ts";

const require = createRequire(import.meta.url);
const cli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, "evaluate", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("evaluate --summary llm", function () {
  this.timeout(180_000);
  let root: string;
  let server: LlmServer;
  let scenario: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "arena-evaluate-summary-"));
    server = await startLlmServer();
    scenario = join(root, "calm-with-writer.yaml");
    writeFileSync(
      scenario,
      `${readFileSync("scenarios/calm.yaml", "utf8")}\nllm:\n  provider: openai\n  model: writer-test\n  baseUrl: ${server.openAiBaseUrl}\n  retries: 0\n`,
    );
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const evaluate = (out: string) =>
    run([
      "--scenario",
      scenario,
      "--change",
      "market.buyFeeBps=150",
      "--seeds",
      "2",
      "--blocks",
      "5",
      "--out",
      out,
      "--summary",
      "llm",
      "--quiet",
    ]);

  it("writes the model's post beside the report, the report in the request", async () => {
    server.reset(() => ({
      json: { title: "Raise the buy fee", body: "The evaluation tests the change on snapshots of the chain." },
    }));
    const out = join(root, "fees.md");
    const { code, stdout, stderr } = await evaluate(out);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.include(`Report:    ${out}`);
    expect(stdout).to.include(`Post:      ${join(root, "fees.post.md")}`);
    expect(readFileSync(join(root, "fees.post.md"), "utf8")).to.equal(
      "# Raise the buy fee\n\nThe evaluation tests the change on snapshots of the chain.\n",
    );
    const request = server.requests.at(-1)!.body as { model: string; messages: { content: string }[] };
    expect(request.model).to.equal("writer-test");
    expect(request.messages.at(-1)!.content).to.include(readFileSync(out, "utf8"));
  });

  it("refuses a post that quotes a figure the report does not have, keeping the report and writing no post", async () => {
    server.reset(() => ({
      json: { title: "Raise the buy fee", body: "Treasury revenue rises by 123456789 quote." },
    }));
    const out = join(root, "invented.md");
    const { code, stderr } = await evaluate(out);
    expect(code).to.not.equal(0);
    expect(stderr).to.include(
      "evaluate: --summary llm: openai writer-test's post quotes 1 figure the report does not have: 123456789; no post was written (the report is unchanged)",
    );
    expect(stderr).to.not.match(/\n\s+at /);
    expect(readFileSync(out, "utf8")).to.match(/^# Proposal evaluation: /);
    expect(existsSync(join(root, "invented.post.md"))).to.equal(false);
  });

  it("refuses --summary llm for a scenario that names no model before anything runs", async () => {
    const out = join(root, "none.md");
    const { code, stderr } = await run(["--change", "market.buyFeeBps=150", "--out", out, "--summary", "llm"]);
    expect(code).to.not.equal(0);
    expect(stderr).to.include(
      "evaluate: --summary llm: the scenario scenarios/calm.yaml names no model: give it an llm: section with provider and model",
    );
    expect(existsSync(out)).to.equal(false);
  });
});

import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  ForumSummaryAnswerError,
  ForumSummaryExistsError,
  ForumSummaryFigureError,
  figuresOf,
  forumPostPath,
  saveForumPost,
  unreportedFigures,
  writeForumPost,
} from "../agents/governance/evaluation/forum-summary.ts";
import type { LlmAnswer, LlmClient, LlmRequest } from "../agents/llm/client.ts";
import { createLocalClient, disposeLocalModels } from "../agents/llm/providers/local.ts";
import { writeTinyGguf } from "./helpers/tiny-gguf.ts";

// An excerpt of an evaluation report as evaluationReport writes it (its tables, intervals, separators).
const REPORT = `# Proposal evaluation: Raise curve fees to 1.5%

**Predicted outcome: Succeeded.** 2 of 9 market metrics move beyond noise; 1 of 3 agent groups gain or lose beyond noise.

| parameter | now | proposed |
|---|---:|---:|
| \`market.buyFeeBps\` | 100 | 150 |

Seeds: 1, 2, 3 (3). Effects are the mean of the per-seed differences (with − without) with a 95% confidence interval.

| metric | without | with | effect (95% CI) | verdict |
|---|---:|---:|---:|---|
| treasury revenue (quote) | 1,204 | 1,811 | +607.3 [412.5, 802.1] | higher: better |
| curve volatility (bps) | 38.21 | 37.9 | -0.31 [-1.442, 0.822] | no effect beyond noise |
| gas used (gas) | 12,345,678 | 12,400,012 | +54,334 [-9,120, 117,788] | no effect beyond noise |

| for | against | abstain | quorum (for + abstain) | predicted |
|---:|---:|---:|---:|---|
| 450000 | 50000.25 | 0 | 120000 (reached) | **Succeeded** |
`;

function scripted(answer: (request: LlmRequest) => unknown): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    provider: "scripted",
    model: "writer-1",
    requests,
    complete: async (request): Promise<LlmAnswer> => {
      requests.push(request);
      const json = answer(request);
      return {
        json,
        text: JSON.stringify(json),
        usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0 },
        latencyMs: 1,
        raw: {},
      };
    },
  };
}

describe("evaluate --summary llm: the forum post a model writes from an evaluation report", function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "arena-forum-"));
  });
  after(async () => {
    await disposeLocalModels();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a text's figures as written, leaving words and addresses alone", function () {
    expect(
      figuresOf("Fees rise to 1.5% (+607.3 [412.5, 802.1]); gas 12,345,678; key buyFeeBps, 0x12ab, v2."),
    ).to.deep.equal(["1.5", "+607.3", "412.5", "802.1", "12,345,678"]);
  });

  it("accepts a post that quotes the report's figures with the report's rounding, signs and separators aside", async function () {
    const client = scripted(() => ({
      title: "Raise curve fees to 1.5%: revenue up, volatility unchanged",
      body:
        "Across 3 seeds the treasury earns 607.3 quote more (95% interval 412.5 to 802.1), from 1204 to 1811. " +
        "Curve volatility moves by 0.31 bps, within noise, and gas by 54334 [−9,120, 117,788]. " +
        "With 450,000 votes for against 50000.25 the proposal is predicted to pass; the fee goes from 100 to 150 bps.",
    }));
    const post = await writeForumPost(client, REPORT, { seed: 4, temperature: 0.2 });
    expect(post.markdown).to.match(/^# Raise curve fees to 1\.5%: revenue up, volatility unchanged\n\nAcross 3 seeds/);
    const request = client.requests[0]!;
    expect(request.messages.at(-1)!.content).to.contain(REPORT);
    expect(request.messages[0]!.content).to.contain("exactly as the report writes it");
    expect(request.schema.name).to.equal("forum_post");
    expect(request.seed).to.equal(4);
    expect(request.temperature).to.equal(0.2);
    const reportPath = join(dir, "evaluate-calm.md");
    writeFileSync(reportPath, REPORT);
    const path = await saveForumPost(reportPath, post);
    expect(path).to.equal(forumPostPath(reportPath)).and.equal(join(dir, "evaluate-calm.post.md"));
    expect(readFileSync(path, "utf8")).to.equal(post.markdown);
    await expectRejection(saveForumPost(reportPath, post), ForumSummaryExistsError, /exists; pass --force/);
    await saveForumPost(reportPath, post, true);
  });

  it("refuses a post with a re-rounded or invented figure, listing each, and writes nothing", async function () {
    const client = scripted(() => ({
      title: "Fees to 1.5%",
      body: "Revenue rises by about 607 quote (412.5 to 802.1), some 50% more; volatility falls 0.3 bps. Vote by 2027.",
    }));
    const failure = await expectRejection(writeForumPost(client, REPORT), ForumSummaryFigureError, /does not have/);
    expect(failure.figures).to.deep.equal(["607", "50", "0.3", "2027"]);
    expect(failure.message).to.contain(
      "quotes 4 figures the report does not have: 607, 50, 0.3, 2027; no post was written",
    );
    expect(unreportedFigures(failure.post, REPORT)).to.deep.equal(failure.figures);
  });

  it("refuses an answer that is not a post, leaving the report as it was", async function () {
    const reportPath = join(dir, "evaluate-other.md");
    writeFileSync(reportPath, REPORT);
    const client = scripted(() => ({ title: "Fees" }));
    await expectRejection(writeForumPost(client, REPORT), ForumSummaryAnswerError, /answered no forum post/);
    expect(readFileSync(reportPath, "utf8")).to.equal(REPORT);
    expect(existsSync(forumPostPath(reportPath))).to.equal(false);
  });

  it("checks a real model's post the same way (the tiny local GGUF: random text, checked figure by figure)", async function () {
    this.timeout(60_000);
    writeTinyGguf(join(dir, "tiny.gguf"));
    const client = createLocalClient(
      {
        provider: "local",
        model: "arena-tiny-random",
        modelPath: "tiny.gguf",
        temperature: 1,
        maxTokens: 3000,
        timeoutMs: 60_000,
        retries: 0,
        concurrency: 1,
      },
      { baseDir: dir, threads: 1 },
    );
    let checked = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const outcome = await writeForumPost(client, REPORT, { seed }).then(
        (post) => post.markdown,
        (error: unknown) => error,
      );
      if (typeof outcome === "string") {
        expect(unreportedFigures(outcome, REPORT)).to.deep.equal([]);
        checked++;
      } else {
        expect(outcome).to.be.instanceOf(ForumSummaryFigureError);
        const refused = outcome as ForumSummaryFigureError;
        expect(refused.figures.length).to.be.greaterThan(0);
        for (const figure of refused.figures) expect(figuresOf(refused.post)).to.include(figure);
        expect(unreportedFigures(refused.post, REPORT)).to.deep.equal(refused.figures);
        checked++;
      }
    }
    expect(checked).to.equal(3);
  });
});

async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
  message: RegExp,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(type);
  expect((error as Error).message).to.match(message);
  return error as T;
}

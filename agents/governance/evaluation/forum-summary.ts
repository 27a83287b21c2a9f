// `evaluate --summary llm`: a language model writes the forum post that presents an evaluation report,
// and the post may quote only figures the report has, as the report writes them. Every number written
// in digits in the post (signs, thousands separators and percent signs aside) must be one of the
// report's numbers with the report's own rounding: a re-rounded, summed or invented figure refuses
// the whole post, naming each such figure. The report itself is written before the model is asked and
// is never touched here; a refused post writes nothing.

import { existsSync } from "node:fs";
import { z } from "zod";

import { ArenaError, messageOf } from "../../core/errors.ts";
import { writeFileAtomically } from "../../core/write-atomically.ts";
import type { LlmAnswer, LlmClient } from "../../llm/client.ts";

/** The post quotes numbers the report does not have (listed in `figures`, as the post writes them). */
export class ForumSummaryFigureError extends ArenaError {
  constructor(
    message: string,
    readonly figures: string[],
    /** The refused post, for a look (it is not written anywhere). */
    readonly post: string,
  ) {
    super(message);
  }
}

/** The model's answer is not a post (not the schema's shape). */
export class ForumSummaryAnswerError extends ArenaError {}

/** The post file exists and `force` was not given. */
export class ForumSummaryExistsError extends ArenaError {}

export const ForumPostSchema = z.object({
  title: z.string().min(1).max(120),
  body: z.string().min(1).max(8000),
});

export interface ForumPost {
  title: string;
  body: string;
  /** `# title`, a blank line, the body: what the post file holds. */
  markdown: string;
  answer: LlmAnswer;
}

const INSTRUCTIONS = [
  "You write the forum post that presents a governance proposal's evaluation to a DAO's token holders.",
  "Use only the evaluation report the user gives: what the proposal changes, how it was tested, which effects are beyond noise and which are not, who gains or loses, what gas it costs, and the predicted vote.",
  "Every number you write in digits must appear in the report exactly as the report writes it (the same digits and rounding; a sign or a thousands separator may differ). Never round, sum, convert or invent a figure; write no numbered lists and no dates or block numbers the report does not have.",
  "Plain markdown, no tables; a title of at most 120 characters.",
].join(" ");

/** Numbers written in digits, as written: not part of a word or an address (`0x…`, `v2`, `buyFeeBps`). */
const NUMBER = /(?<![\w.])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?(?!\w)/gi;

/** The numbers of a text, as written, in order. */
export function figuresOf(text: string): string[] {
  return [...text.matchAll(NUMBER)].map((match) => match[0]);
}

/** A figure's value as digits: no sign, no separators, no leading or trailing zeros ("+1,250.50" → "1250.5"). */
function canonical(figure: string): string {
  const [, whole = "", fraction = "", exponent = ""] =
    /^(\d+)(?:\.(\d+))?(e[-+]?\d+)?$/i.exec(figure.replace(/^[-+\u2212]/, "").replace(/,/g, "")) ?? [];
  const digits = fraction.replace(/0+$/, "");
  return `${whole.replace(/^0+(?=\d)/, "")}${digits === "" ? "" : `.${digits}`}${exponent.toLowerCase()}`;
}

/** The post's figures that are not among the report's (each once, as the post writes it). */
export function unreportedFigures(post: string, report: string): string[] {
  const reported = new Set(figuresOf(report).map(canonical));
  return [...new Set(figuresOf(post).filter((figure) => !reported.has(canonical(figure))))];
}

/** Asks `client` for the post and checks its figures against `report`; throws rather than return a post that misquotes. */
export async function writeForumPost(
  client: LlmClient,
  report: string,
  options: { temperature?: number; seed?: number; maxTokens?: number } = {},
): Promise<ForumPost> {
  const answer = await client.complete({
    messages: [
      { role: "system", content: INSTRUCTIONS },
      { role: "user", content: `The evaluation report:\n\n${report}` },
    ],
    schema: {
      name: "forum_post",
      description: "A forum post presenting the evaluation",
      jsonSchema: z.toJSONSchema(ForumPostSchema) as Record<string, unknown>,
    },
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
  });
  const parsed = ForumPostSchema.safeParse(answer.json);
  if (!parsed.success)
    throw new ForumSummaryAnswerError(
      `--summary llm: ${client.provider} ${client.model} answered no forum post (${messageOf(parsed.error).slice(0, 200)}); the report is unchanged`,
    );
  const { title, body } = parsed.data;
  const markdown = `# ${title.trim()}\n\n${body.trim()}\n`;
  const unreported = unreportedFigures(markdown, report);
  if (unreported.length > 0)
    throw new ForumSummaryFigureError(
      `--summary llm: ${client.provider} ${client.model}'s post quotes ${unreported.length} figure${unreported.length === 1 ? "" : "s"} the report does not have: ` +
        `${unreported.join(", ")}; no post was written (the report is unchanged): run again with another seed, or write the post by hand`,
      unreported,
      markdown,
    );
  return { title, body, markdown, answer };
}

/** Where a report's post goes: beside it, `<report>.post.md`. */
export function forumPostPath(reportPath: string): string {
  return reportPath.replace(/(\.md)?$/, ".post.md");
}

/** Writes the post beside the report (whole or not at all); an existing post file is refused unless `force`. */
export async function saveForumPost(reportPath: string, post: ForumPost, force = false): Promise<string> {
  const path = forumPostPath(reportPath);
  if (!force && existsSync(path))
    throw new ForumSummaryExistsError(`--summary llm: ${path} exists; pass --force to replace it`);
  await writeFileAtomically(path, post.markdown);
  return path;
}

// A tiny random-weight language model written as a GGUF v3 file, so a test can run real llama.cpp
// inference offline with no model download. The layout follows ggml's docs/gguf.md: a header (magic
// "GGUF", version 3, tensor count, metadata count), metadata key/values, tensor infos (name, dims
// innermost first, ggml type, offset into the data section), padding to `general.alignment`, and the
// tensor data, each tensor at an aligned offset. The model is a `llama` architecture (the tensor
// names and hyperparameter keys llama.cpp's loader requires for it) with F32 weights drawn from the
// run's seeded generator, and a SentencePiece-style (`llama`) vocabulary: control tokens, all 256 byte
// tokens, and every printable ASCII character as a token of its own, so that grammar-constrained
// decoding always has a token for whatever character JSON needs next. The bytes 0x80-0xFF are
// "unused" tokens: a prompt may hold any UTF-8 (the tokenizer's byte fallback finds them), but their
// text is empty, so the grammar never lets the model write them: llama.cpp's grammar decodes partial
// UTF-8 laxly (overlong forms, leads past U+10FFFF), and a random model would write such sequences,
// which decode to U+FFFD. Its answers are random ASCII; what a test learns from it is that the
// engine, the grammar and the adapter work.

import { writeFileSync } from "node:fs";

import { Random } from "../../agents/core/random.ts";

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

// gguf_metadata_value_type
const UINT32 = 4;
const INT32 = 5;
const FLOAT32 = 6;
const BOOL = 7;
const STRING = 8;
const ARRAY = 9;

const GGML_TYPE_F32 = 0;

// llama_token_type (llama.cpp's vocabulary attribute per token)
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_UNUSED = 5;
const TOKEN_BYTE = 6;

export interface TinyModelShape {
  layers: number;
  embedding: number;
  heads: number;
  feedForward: number;
  contextLength: number;
}

export const TINY_MODEL_SHAPE: TinyModelShape = {
  layers: 2,
  embedding: 64,
  heads: 4,
  feedForward: 128,
  contextLength: 2048,
};

type MetadataValue =
  | { type: typeof UINT32 | typeof INT32 | typeof FLOAT32; value: number }
  | { type: typeof BOOL; value: boolean }
  | { type: typeof STRING; value: string }
  | { type: typeof ARRAY; itemType: typeof INT32 | typeof FLOAT32 | typeof STRING; values: (number | string)[] };

interface Tensor {
  name: string;
  /** ggml order: the innermost (row) dimension first. */
  dims: number[];
  data: Float32Array;
}

/** The vocabulary: `<unk>`, `<s>`, `</s>`, the 256 byte tokens, then `▁` (space) and printable ASCII. */
export function tinyVocabulary(): { tokens: string[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(byte < 0x80 ? TOKEN_BYTE : TOKEN_UNUSED);
  }
  tokens.push("\u2581"); // SentencePiece's space
  types.push(TOKEN_NORMAL);
  for (let code = 0x21; code <= 0x7e; code++) {
    tokens.push(String.fromCharCode(code));
    types.push(TOKEN_NORMAL);
  }
  return { tokens, types };
}

/** Writes the tiny model to `path` (same seed ⇒ the same bytes) and returns its size in bytes. */
export function writeTinyGguf(path: string, options: { seed?: number; shape?: TinyModelShape } = {}): number {
  const shape = options.shape ?? TINY_MODEL_SHAPE;
  const random = new Random(options.seed ?? 1);
  const { tokens, types } = tinyVocabulary();
  const vocab = tokens.length;
  const { embedding, feedForward } = shape;

  const metadata: [string, MetadataValue][] = [
    ["general.architecture", { type: STRING, value: "llama" }],
    ["general.name", { type: STRING, value: "arena-tiny-random" }],
    ["general.alignment", { type: UINT32, value: ALIGNMENT }],
    ["general.file_type", { type: UINT32, value: 0 }], // all F32
    ["llama.vocab_size", { type: UINT32, value: vocab }],
    ["llama.context_length", { type: UINT32, value: shape.contextLength }],
    ["llama.embedding_length", { type: UINT32, value: embedding }],
    ["llama.block_count", { type: UINT32, value: shape.layers }],
    ["llama.feed_forward_length", { type: UINT32, value: feedForward }],
    ["llama.attention.head_count", { type: UINT32, value: shape.heads }],
    ["llama.attention.head_count_kv", { type: UINT32, value: shape.heads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: FLOAT32, value: 1e-5 }],
    ["llama.rope.dimension_count", { type: UINT32, value: embedding / shape.heads }],
    ["llama.rope.freq_base", { type: FLOAT32, value: 10000 }],
    ["tokenizer.ggml.model", { type: STRING, value: "llama" }],
    ["tokenizer.ggml.tokens", { type: ARRAY, itemType: STRING, values: tokens }],
    ["tokenizer.ggml.scores", { type: ARRAY, itemType: FLOAT32, values: tokens.map((_, id) => -id) }],
    ["tokenizer.ggml.token_type", { type: ARRAY, itemType: INT32, values: types }],
    ["tokenizer.ggml.unknown_token_id", { type: UINT32, value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: UINT32, value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: UINT32, value: 2 }],
    ["tokenizer.ggml.add_bos_token", { type: BOOL, value: true }],
    ["tokenizer.ggml.add_eos_token", { type: BOOL, value: false }],
  ];

  const weights = (dims: number[], scale: number): Float32Array => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (random.unit() * 2 - 1) * scale;
    return data;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [embedding, vocab], data: weights([embedding, vocab], 1) },
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      { name: `${block}.attn_norm.weight`, dims: [embedding], data: ones(embedding) },
      { name: `${block}.attn_q.weight`, dims: [embedding, embedding], data: weights([embedding, embedding], 0.2) },
      { name: `${block}.attn_k.weight`, dims: [embedding, embedding], data: weights([embedding, embedding], 0.2) },
      { name: `${block}.attn_v.weight`, dims: [embedding, embedding], data: weights([embedding, embedding], 0.2) },
      { name: `${block}.attn_output.weight`, dims: [embedding, embedding], data: weights([embedding, embedding], 0.2) },
      { name: `${block}.ffn_norm.weight`, dims: [embedding], data: ones(embedding) },
      {
        name: `${block}.ffn_gate.weight`,
        dims: [embedding, feedForward],
        data: weights([embedding, feedForward], 0.2),
      },
      { name: `${block}.ffn_up.weight`, dims: [embedding, feedForward], data: weights([embedding, feedForward], 0.2) },
      {
        name: `${block}.ffn_down.weight`,
        dims: [feedForward, embedding],
        data: weights([feedForward, embedding], 0.2),
      },
    );
  }
  tensors.push(
    { name: "output_norm.weight", dims: [embedding], data: ones(embedding) },
    { name: "output.weight", dims: [embedding, vocab], data: weights([embedding, vocab], 0.5) },
  );

  const out = new ByteWriter();
  out.u32(GGUF_MAGIC);
  out.u32(GGUF_VERSION);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.u32(value.type);
    if (value.type === ARRAY) {
      out.u32(value.itemType);
      out.u64(value.values.length);
      for (const item of value.values) out.scalar(value.itemType, item);
    } else out.scalar(value.type, value.value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(GGML_TYPE_F32);
    out.u64(offset);
    offset = alignUp(offset + tensor.data.byteLength);
  }
  out.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    out.bytes(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    out.padTo(ALIGNMENT);
  }
  const file = out.finish();
  writeFileSync(path, file);
  return file.byteLength;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

/** Little-endian bytes, growing as needed. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, n, true);
    this.length += 4;
  }

  u64(n: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(n), true);
    this.length += 8;
  }

  scalar(type: number, value: number | string | boolean): void {
    if (type === STRING) return this.string(value as string);
    this.reserve(4);
    if (type === UINT32) this.view.setUint32(this.length, value as number, true);
    else if (type === INT32) this.view.setInt32(this.length, value as number, true);
    else if (type === FLOAT32) this.view.setFloat32(this.length, value as number, true);
    else if (type === BOOL) {
      this.view.setUint8(this.length, value ? 1 : 0);
      this.length += 1;
      return;
    } else throw new Error(`tiny-gguf: no writer for metadata type ${type}`);
    this.length += 4;
  }

  /** gguf_string_t: a uint64 byte length, then UTF-8 bytes with no terminator. */
  string(text: string): void {
    const encoded = new TextEncoder().encode(text);
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.reserve(padding);
    this.length += padding; // the buffer is zero-filled
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

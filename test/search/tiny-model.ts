/**
 * Writes a tiny sentence-embedding model folder the way a hub export looks (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model.onnx), so the transformers embedder's real
 * loading, tokenizing, inference and pooling code runs in tests without a download.
 *
 * The ONNX graph is one Gather: token id → a fixed embedding row ("last_hidden_state"); the
 * library then mean-pools over the attention mask and normalizes. Rows are chosen so that words
 * of one "concept" share a direction: `car`, `automobile` and `vehicle` point one way, `protein`
 * and `enzyme` another, so nearest neighbours are predictable.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// --- a minimal protobuf writer (only what ONNX's ModelProto needs) ---------------------------
type Field = [number, 'varint', number] | [number, 'bytes', Uint8Array | string];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function message(fields: Field[]): Uint8Array {
  const parts: number[] = [];
  for (const [num, kind, value] of fields) {
    if (kind === 'varint') parts.push(...varint(num * 8), ...varint(value));
    else {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      parts.push(...varint(num * 8 + 2), ...varint(bytes.length));
      for (const b of bytes) parts.push(b);
    }
  }
  return Uint8Array.from(parts);
}

const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto with a tensor type whose dims are names (dynamic) or sizes. */
function valueInfo(name: string, elemType: number, dims: (string | number)[]): Uint8Array {
  const shape = message(
    dims.map(
      (d): Field => [1, 'bytes', message([typeof d === 'string' ? [2, 'bytes', d] : [1, 'varint', d]])],
    ),
  );
  const tensorType = message([
    [1, 'varint', elemType],
    [2, 'bytes', shape],
  ]);
  return message([
    [1, 'bytes', name],
    [2, 'bytes', message([[1, 'bytes', tensorType]])],
  ]);
}

function gatherEmbeddingModel(table: Float32Array, vocabSize: number, hidden: number): Uint8Array {
  const initializer = message([
    [1, 'varint', vocabSize],
    [1, 'varint', hidden],
    [2, 'varint', FLOAT],
    [8, 'bytes', 'embeddings'],
    [9, 'bytes', new Uint8Array(table.buffer, table.byteOffset, table.byteLength)],
  ]);
  const node = message([
    [1, 'bytes', 'embeddings'],
    [1, 'bytes', 'input_ids'],
    [2, 'bytes', 'last_hidden_state'],
    [3, 'bytes', 'gather'],
    [4, 'bytes', 'Gather'],
  ]);
  const graph = message([
    [1, 'bytes', node],
    [2, 'bytes', 'tiny'],
    [5, 'bytes', initializer],
    [11, 'bytes', valueInfo('input_ids', INT64, ['batch', 'sequence'])],
    [11, 'bytes', valueInfo('attention_mask', INT64, ['batch', 'sequence'])],
    [12, 'bytes', valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', hidden])],
  ]);
  return message([
    [1, 'varint', 8], // ir_version
    [2, 'bytes', 'paperboy-tests'],
    [7, 'bytes', graph],
    [8, 'bytes', message([[2, 'varint', 13]])], // opset_import: default domain, opset 13
  ]);
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
/** Words of one group share a direction; groups are orthogonal. */
const TINY_GROUPS: string[][] = [
  ['car', 'automobile', 'vehicle', 'driving', 'road'],
  ['protein', 'enzyme', 'folding', 'molecule', 'amino'],
  ['galaxy', 'star', 'telescope', 'cosmic', 'orbit'],
];
export const TINY_HIDDEN = 8;

export function writeTinyModel(dir: string): string {
  const words = TINY_GROUPS.flat();
  const vocab = [...SPECIAL, ...words];
  const table = new Float32Array(vocab.length * TINY_HIDDEN);
  // Special tokens get a small shared row so pooling over [CLS]/[SEP] does not dominate.
  for (let i = 0; i < SPECIAL.length; i++) table[i * TINY_HIDDEN + TINY_HIDDEN - 1] = 0.05;
  TINY_GROUPS.forEach((group, g) => {
    group.forEach((w, k) => {
      const row = vocab.indexOf(w) * TINY_HIDDEN;
      table[row + g] = 1;
      table[row + 3 + (k % 4)] = 0.2; // a little individuality inside a group
    });
  });
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), gatherEmbeddingModel(table, vocab.length, TINY_HIDDEN));
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: TINY_HIDDEN, vocab_size: vocab.length }),
  );
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 128,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
    }),
  );
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  writeFileSync(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map(special),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
      },
    }),
  );
  return dir;
}

/**
 * A sentence-embedding ONNX model through @huggingface/transformers (onnxruntime-node on the
 * CPU): feature extraction with mean pooling over the attention mask, L2-normalized. A local
 * folder is loaded with remote loading off; a hub name only where the operator allows downloads.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Embedder } from './embedder.ts';

const BATCH = 32;

export interface TransformersOptions {
  allowRemote: boolean;
  /** Where downloaded hub models are kept. */
  cacheDir: string;
}

type Extractor = (
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ dims: number[]; data: Float32Array }>;

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #extract: Extractor;

  private constructor(id: string, dimensions: number, extract: Extractor) {
    this.id = id;
    this.dimensions = dimensions;
    this.#extract = extract;
  }

  static async load(model: string, options: TransformersOptions): Promise<TransformersEmbedder> {
    const tf = await import('@huggingface/transformers');
    const local = existsSync(model) && statSync(model).isDirectory();
    if (!local && !options.allowRemote)
      throw new Error(
        `embedder model "${model}" is not a folder here, and downloading is off (set embedderRemote to fetch it from the hub)`,
      );
    tf.env.allowRemoteModels = !local && options.allowRemote;
    tf.env.allowLocalModels = true;
    tf.env.cacheDir = options.cacheDir;
    let name = model;
    if (local) {
      const abs = path.resolve(model);
      tf.env.localModelPath = `${path.dirname(abs)}${path.sep}`;
      name = path.basename(abs);
    }
    const pipe = (await tf.pipeline('feature-extraction', name, { dtype: 'fp32' })) as unknown as Extractor;
    const probe = await pipe(['probe'], { pooling: 'mean', normalize: true });
    const dims = probe.dims.at(-1)!;
    return new TransformersEmbedder(modelId(model, local), dims, pipe);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH) as string[];
      const t = await this.#extract(batch, { pooling: 'mean', normalize: true });
      const d = t.dims.at(-1)!;
      for (let j = 0; j < batch.length; j++) out.push(Float32Array.from(t.data.subarray(j * d, (j + 1) * d)));
    }
    return out;
  }
}

/** Identity of the weights: the model file's hash for a folder, the name for a hub model. */
function modelId(model: string, local: boolean): string {
  if (!local) return `transformers-${model}`;
  const h = createHash('sha256');
  for (const f of ['config.json', 'tokenizer.json', path.join('onnx', 'model.onnx')]) {
    const p = path.join(model, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return `transformers-${path.basename(path.resolve(model))}-${h.digest('hex').slice(0, 12)}`;
}

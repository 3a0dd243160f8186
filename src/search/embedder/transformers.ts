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

/** An optional dependency (package.json), imported only when the embedder is "transformers". */
export const TRANSFORMERS_PACKAGE = '@huggingface/transformers';

/** embedder "transformers" is configured, but the optional package is not installed. */
export class TransformersMissingError extends Error {
  override readonly name = 'TransformersMissingError';
  constructor(cause: unknown) {
    super(
      `embedder "transformers" is configured, but the optional package ${TRANSFORMERS_PACKAGE} is not installed (it is optional: ~430 MB of ONNX runtimes): run \`npm install ${TRANSFORMERS_PACKAGE}\`, or set embedder to "builtin"`,
      { cause },
    );
    // A setup problem, not a bug: the message says what to do, and frames would only bury it
    // (src/cli/main.ts prints the stack of errors it does not know).
    this.stack = `${this.name}: ${this.message}`;
  }
}

export interface TransformersOptions {
  allowRemote: boolean;
  /** Where downloaded hub models are kept. */
  cacheDir: string;
  /** The package to import; a test names one that is not installed to see the message. */
  packageName?: string;
}

type TransformersModule = typeof import('@huggingface/transformers');

/** The package, imported only when this embedder is configured, so installs without it run. */
async function importTransformers(specifier = TRANSFORMERS_PACKAGE): Promise<TransformersModule> {
  try {
    // The literal import keeps the dependency visible to tools that read imports (knip).
    if (specifier === TRANSFORMERS_PACKAGE) return await import('@huggingface/transformers');
    return (await import(specifier)) as TransformersModule;
  } catch (err) {
    // Only the package itself missing: a broken install inside it keeps its own error.
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`'${specifier}'`))
      throw new TransformersMissingError(err);
    throw err;
  }
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
    const tf = await importTransformers(options.packageName);
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

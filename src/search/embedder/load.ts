/**
 * Loading the active embedder: the built-in model from the data directory (written by
 * `paperboy reindex`), or from the database when this instance has not cached it yet; a
 * transformers model from the configured folder or hub name.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelInfo, SearchRepository } from '../search.repo.ts';
import { BuiltinEmbedder } from './builtin.ts';
import type { Embedder } from './embedder.ts';

export interface EmbedderSettings {
  /** Data directory; models and the vector index live under <data>/search/. */
  data: string;
  embedder: 'builtin' | 'transformers';
  /** transformers: a local folder (config.json, tokenizer.json, onnx/model.onnx) or a hub name. */
  embedderModel?: string | undefined;
  /** transformers: allow downloading `embedderModel` from the hub (needs internet). */
  embedderRemote?: boolean | undefined;
}

export const searchDir = (data: string) => path.join(data, 'search');
const modelFile = (data: string, version: string) => path.join(searchDir(data), `model-${version}.bin`);

export function cacheModel(data: string, model: BuiltinEmbedder): void {
  mkdirSync(searchDir(data), { recursive: true });
  const file = modelFile(data, model.id);
  writeFileSync(`${file}.tmp`, model.serialize());
  renameSync(`${file}.tmp`, file);
}

/** The embedder for the active model, or null when none is trained yet (or it cannot load). */
export async function loadActiveEmbedder(
  repo: SearchRepository,
  settings: EmbedderSettings,
): Promise<{ info: ModelInfo; embedder: Embedder } | null> {
  const info = await repo.activeModel();
  if (!info) return null;
  if (info.kind === 'builtin') {
    const file = modelFile(settings.data, info.version);
    let model: BuiltinEmbedder;
    if (existsSync(file)) model = BuiltinEmbedder.deserialize(readFileSync(file));
    else {
      const bytes = await repo.modelBytes(info.version);
      if (!bytes) return null;
      model = BuiltinEmbedder.deserialize(bytes);
      cacheModel(settings.data, model);
    }
    return { info, embedder: model };
  }
  // The transformers package (optional, ~430 MB of ONNX runtimes) is imported only when it is
  // the configured embedder; a transformers model left active under another setting waits for
  // `paperboy reindex`, as a different model would.
  if (settings.embedder !== 'transformers' || !settings.embedderModel) return null;
  const { TransformersEmbedder } = await import('./transformers.ts');
  const embedder = await TransformersEmbedder.load(settings.embedderModel, {
    allowRemote: settings.embedderRemote ?? false,
    cacheDir: path.join(searchDir(settings.data), 'hub'),
  });
  // The active row names the model the vectors were made with; another configured model would
  // produce incomparable vectors, so it waits for `paperboy reindex`.
  return embedder.id === info.version ? { info, embedder } : null;
}

/**
 * The reader's controls, saved per account as JSON (foryou_settings) and checked here: a stored
 * value this code no longer understands falls back to its default instead of failing the page.
 */
import { InvalidInputError } from '../errors.ts';

export type WindowKind = 'day' | 'week' | 'month';
export const WINDOW_DAYS: Record<WindowKind, number> = { day: 1, week: 7, month: 30 };

export interface Tuning {
  /**
   * "More like my library" (0) to "more what's trending" (4), in steps the page offers as a
   * select; rank.ts `weightsFor` turns it into the weights.
   */
  trending: 0 | 1 | 2 | 3 | 4;
  /** Keep only papers in a category the reader follows (ignored while they follow none). */
  onlyFollowedCategories: boolean;
  /** How far back new papers come from: the last day, 7 days or 30 days. */
  window: WindowKind;
}

export const DEFAULT_TUNING: Tuning = { trending: 1, onlyFollowedCategories: false, window: 'week' };

const isWindow = (v: unknown): v is WindowKind => v === 'day' || v === 'week' || v === 'month';
const isStep = (v: unknown): v is Tuning['trending'] =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4;

/** Stored JSON → tuning; anything unreadable keeps its default. */
export function tuningFromJson(json: string | null): Tuning {
  if (!json) return { ...DEFAULT_TUNING };
  let v: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    v = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    v = {};
  }
  return {
    trending: isStep(v.trending) ? v.trending : DEFAULT_TUNING.trending,
    onlyFollowedCategories:
      typeof v.onlyFollowedCategories === 'boolean'
        ? v.onlyFollowedCategories
        : DEFAULT_TUNING.onlyFollowedCategories,
    window: isWindow(v.window) ? v.window : DEFAULT_TUNING.window,
  };
}

/** A submitted form → tuning; a bad value is refused with what was expected. */
export function tuningFromForm(f: { trending?: string; window?: string; only?: string | undefined }): Tuning {
  const step = Number(f.trending ?? DEFAULT_TUNING.trending);
  if (!isStep(step))
    throw new InvalidInputError(
      `trending: must be a whole number from 0 to 4, got "${String(f.trending).slice(0, 20)}"`,
    );
  const window = f.window ?? DEFAULT_TUNING.window;
  if (!isWindow(window))
    throw new InvalidInputError(`window: must be day, week or month, got "${String(window).slice(0, 20)}"`);
  return { trending: step, window, onlyFollowedCategories: f.only === '1' || f.only === 'on' };
}

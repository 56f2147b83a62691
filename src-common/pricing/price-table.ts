import { z } from 'zod';

/** Dollars per million tokens of each kind. */
export const modelPriceSchema = z.object({
  input: z.number().min(0).max(10_000),
  output: z.number().min(0).max(10_000),
  cacheRead: z.number().min(0).max(10_000),
  cacheWrite: z.number().min(0).max(10_000),
});
/** Dollars per million tokens of each kind. */
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Prices a person set for models, by model name (exact, or a prefix ending in `*`). */
export const priceOverridesSchema = z.record(z.string().min(1).max(200), modelPriceSchema);
/** Prices a person set for models. */
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/** Where the shipped prices come from, shown next to every cost. */
export const PRICE_TABLE_SOURCE = {
  /** Anthropic models: LiteLLM's model_prices_and_context_window.json as bundled (for --offline) in ccusage 18.0.11. */
  name: 'LiteLLM model prices (as bundled in ccusage 18.0.11); OpenAI and Google list prices',
  date: '2026-05-17',
};

const p = (input: number, output: number, cacheRead: number, cacheWrite: number): ModelPrice => ({ input, output, cacheRead, cacheWrite });

/**
 * Shipped prices in dollars per million tokens. Anthropic's are ccusage's offline table exactly,
 * so totals agree with `ccusage daily --offline`; Claude Sonnet 4/4.5's higher rate for requests
 * over 200k tokens is not applied (the rollups are per day, not per request).
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4-7': p(5, 25, 0.5, 6.25),
  'claude-opus-4-6': p(5, 25, 0.5, 6.25),
  'claude-opus-4-5': p(5, 25, 0.5, 6.25),
  'claude-opus-4-1': p(15, 75, 1.5, 18.75),
  'claude-opus-4': p(15, 75, 1.5, 18.75),
  'claude-4-opus': p(15, 75, 1.5, 18.75),
  'claude-sonnet-4-6': p(3, 15, 0.3, 3.75),
  'claude-sonnet-4-5': p(3, 15, 0.3, 3.75),
  'claude-sonnet-4': p(3, 15, 0.3, 3.75),
  'claude-4-sonnet': p(3, 15, 0.3, 3.75),
  'claude-3-7-sonnet': p(3, 15, 0.3, 3.75),
  'claude-haiku-4-5': p(1, 5, 0.1, 1.25),
  'claude-3-5-haiku': p(0.8, 4, 0.08, 1),
  'claude-3-opus': p(15, 75, 1.5, 18.75),
  'claude-3-haiku': p(0.25, 1.25, 0.03, 0.3),
  'gpt-5-codex': p(1.25, 10, 0.125, 0),
  'gpt-5-mini': p(0.25, 2, 0.025, 0),
  'gpt-5-nano': p(0.05, 0.4, 0.005, 0),
  'gpt-5': p(1.25, 10, 0.125, 0),
  'gpt-4.1': p(2, 8, 0.5, 0),
  'gpt-4o-mini': p(0.15, 0.6, 0.075, 0),
  'gpt-4o': p(2.5, 10, 1.25, 0),
  'o3': p(2, 8, 0.5, 0),
  'gemini-2.5-pro': p(1.25, 10, 0.31, 0),
  'gemini-2.5-flash': p(0.3, 2.5, 0.075, 0),
};

/**
 * The price of a model: a person's override first (exact name, then the longest `prefix*`), then
 * the shipped table by exact name, then by the longest name the model starts with (dated releases
 * such as `claude-sonnet-4-5-20250929`, a provider's `anthropic/` prefix dropped). Null when unknown.
 */
export function priceOf(model: string, overrides: PriceOverrides = {}): ModelPrice | null {
  const own = overrides[model];
  if (own) return own;
  let best: [number, ModelPrice] | null = null;
  for (const [key, price] of Object.entries(overrides)) {
    if (key.endsWith('*') && model.startsWith(key.slice(0, -1)) && (!best || key.length > best[0])) best = [key.length, price];
  }
  if (best) return best[1];
  const name = model.replace(/^[a-z]+[/.]/i, '');
  const exact = PRICE_TABLE[name];
  if (exact) return exact;
  for (const [key, price] of Object.entries(PRICE_TABLE)) {
    if (name.startsWith(`${key}-`) && (!best || key.length > best[0])) best = [key.length, price];
  }
  return best ? best[1] : null;
}

/** Token counts of one kind each. */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Dollars for some tokens, cache reads and writes apart from input and output. */
export interface Cost {
  /** Input and output. */
  base: number;
  /** Cache reads and cache writes. */
  cache: number;
  total: number;
}

/** What `tokens` of `model` cost, or null when the model has no price. */
export function costOf(model: string, tokens: TokenCounts, overrides: PriceOverrides = {}): Cost | null {
  const price = priceOf(model, overrides);
  if (!price) return null;
  const base = (tokens.input * price.input + tokens.output * price.output) / 1e6;
  const cache = (tokens.cacheRead * price.cacheRead + tokens.cacheWrite * price.cacheWrite) / 1e6;
  return { base, cache, total: base + cache };
}

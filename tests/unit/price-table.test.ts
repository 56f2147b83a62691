import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../../src-common/pricing/price-table';

describe('the price table', () => {
  it('finds dated and provider-prefixed releases by the longest name they start with', () => {
    expect(priceOf('claude-sonnet-4-5-20250929')).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
    expect(priceOf('claude-opus-4-6')).toMatchObject({ input: 5 });
    expect(priceOf('claude-opus-4-1-20250805')).toMatchObject({ input: 15 });
    expect(priceOf('anthropic/claude-haiku-4-5')).toMatchObject({ input: 1 });
    expect(priceOf('gpt-5-codex')).toMatchObject({ input: 1.25 });
    expect(priceOf('gpt-4o-mini-2024-07-18')).toMatchObject({ input: 0.15 });
    expect(priceOf('some-local-model')).toBeNull();
  });

  it('lets a person price a model, exactly or by prefix, over the shipped table', () => {
    const mine = { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 };
    expect(priceOf('claude-opus-4-6', { 'claude-opus-4-6': mine })).toBe(mine);
    expect(priceOf('llama-3-70b', { 'llama-*': mine })).toBe(mine);
    expect(priceOf('claude-opus-4-6', { 'llama-*': mine })).toMatchObject({ input: 5 });
  });

  it('keeps cache apart from input and output', () => {
    expect(costOf('claude-haiku-4-5', { input: 1e6, output: 1e6, cacheRead: 1e6, cacheWrite: 1e6 })).toEqual({ base: 6, cache: 1.35, total: 7.35 });
    expect(costOf('unknown', { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 })).toBeNull();
  });
});

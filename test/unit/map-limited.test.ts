import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../shared/concurrency/map-limited.ts';

describe('mapLimited', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([50, 5, 30, 1, 20, 10, 0], 3, async (delay, index) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
      return `${index}:${delay}`;
    });
    expect(results).toEqual(['0:50', '1:5', '2:30', '3:1', '4:20', '5:10', '6:0']);
    expect(most).toBe(3);
  });

  it('rejects with the first failure and handles empty input and a limit below 1', async () => {
    await expect(mapLimited([1, 2, 3], 2, async (value) => (value === 2 ? Promise.reject(new Error('two')) : value))).rejects.toThrow('two');
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    expect(await mapLimited([1, 2], 0, async (value) => value * 2)).toEqual([2, 4]);
  });
});

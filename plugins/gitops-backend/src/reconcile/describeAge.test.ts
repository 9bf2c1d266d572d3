import { describeAge } from './describeAge';

describe('describeAge', () => {
  it.each([
    [0, '0 seconds'],
    [1_000, '1 second'],
    [59_999, '59 seconds'],
    [60_000, '1 minute'],
    [12 * 60_000 + 30_000, '12 minutes'],
    [119 * 60_000, '119 minutes'],
    [2 * 3_600_000, '2 hours'],
    [47 * 3_600_000, '47 hours'],
    [50 * 3_600_000, '2 days'],
    [-5_000, '0 seconds'],
  ])('%i ms is %s', (ms, text) => {
    expect(describeAge(ms)).toBe(text);
  });
});

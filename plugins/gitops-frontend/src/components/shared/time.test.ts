import { formatAge } from './time';

describe('formatAge', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['2026-11-25T11:59:55Z', 'just now'],
    ['2026-11-25T11:59:30Z', '30 seconds ago'],
    ['2026-11-25T11:55:00Z', '5 minutes ago'],
    ['2026-11-25T10:00:00Z', '2 hours ago'],
    ['2026-11-24T11:00:00Z', 'yesterday'],
    ['2026-11-25T12:10:00Z', 'in 10 minutes'],
    ['garbage', 'garbage'],
  ])('%s is %s', (at, text) => {
    expect(formatAge(at, now)).toBe(text);
  });
});

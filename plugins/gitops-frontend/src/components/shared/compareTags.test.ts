import { compareTags } from './compareTags';

describe('compareTags', () => {
  it.each([
    ['0.4.11', '0.4.11', 'in-step'],
    ['0.4.11', '0.4.10', 'behind'],
    ['v1.2', '1.3.0', 'ahead'],
    ['dev-mww931xk', 'stg-9ij63o4c', 'differs'],
    ['dev-mww931xk', '0.4.10', 'differs'],
    ['1.0.0', '1.0.0-rc.1', 'behind'],
  ])('%s before %s: %s', (previous, current, expected) => {
    expect(compareTags(previous, current)).toBe(expected);
  });
});

import { nextLink } from './linkHeader';

describe('nextLink', () => {
  it('finds the next page, relative or absolute', () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"')).toBe(
      '/v2/a/tags/list?n=2&last=b',
    );
    expect(
      nextLink('<https://r.example/v2/a/tags/list?last=b>; rel=next'),
    ).toBe('https://r.example/v2/a/tags/list?last=b');
  });

  it('picks rel=next among several links and relation types', () => {
    expect(
      nextLink('</prev>; rel="prev", </next>; title="x"; rel="last next"'),
    ).toBe('/next');
  });

  it('is undefined without a next link', () => {
    expect(nextLink(null)).toBeUndefined();
    expect(nextLink('</prev>; rel="prev"')).toBeUndefined();
    expect(nextLink('garbage')).toBeUndefined();
  });
});

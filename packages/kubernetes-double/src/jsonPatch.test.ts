import { ApiError } from './apiStatus';
import { applyJsonPatch } from './jsonPatch';

describe('applyJsonPatch', () => {
  const document = {
    metadata: { annotations: { 'fluxcd.io/locked': 'true' } },
    spec: { list: ['a', 'c'] },
  };

  it('applies operations in order, with escaped pointers', () => {
    const patched = applyJsonPatch(document, [
      {
        op: 'test',
        path: '/metadata/annotations/fluxcd.io~1locked',
        value: 'true',
      },
      { op: 'remove', path: '/metadata/annotations/fluxcd.io~1locked' },
      { op: 'add', path: '/spec/list/1', value: 'b' },
      { op: 'add', path: '/spec/list/-', value: 'd' },
      { op: 'copy', from: '/spec/list/0', path: '/spec/first' },
      { op: 'move', from: '/spec/first', path: '/spec/head' },
      { op: 'replace', path: '/spec/list/3', value: 'z' },
    ]);
    expect(patched).toEqual({
      metadata: { annotations: {} },
      spec: { list: ['a', 'b', 'c', 'z'], head: 'a' },
    });
    expect(document.spec.list).toEqual(['a', 'c']);
  });

  it('rejects the whole patch when an operation fails', () => {
    const failing = () =>
      applyJsonPatch(document, [
        { op: 'test', path: '/spec/list/0', value: 'x' },
      ]);
    expect(failing).toThrow(ApiError);
    expect(() =>
      applyJsonPatch(document, [{ op: 'remove', path: '/spec/missing' }]),
    ).toThrow(/nonexistent/);
    expect(() => applyJsonPatch(document, { op: 'add' })).toThrow(
      /jsonpatch.Patch/,
    );
  });
});

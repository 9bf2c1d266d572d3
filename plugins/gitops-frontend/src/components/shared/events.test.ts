import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import { describeEvent } from './events';

const event = (
  type: string,
  extra: Partial<GitopsEvent> = {},
): GitopsEvent => ({
  id: 1,
  type,
  at: '2026-11-30T00:00:00Z',
  ...extra,
});

describe('describeEvent', () => {
  it('names an image update with its old and new tag', () => {
    expect(
      describeEvent(
        event('image-updated', {
          details: {
            image: 'stefanprodan/podinfo',
            from: 'dev-a',
            to: 'dev-b',
          },
        }),
      ),
    ).toBe('image stefanprodan/podinfo dev-a -> dev-b');
  });

  it('says which commit removed a pruned object', () => {
    expect(
      describeEvent(
        event('object-pruned', {
          commit: '0123456789abcdef0123456789abcdef01234567',
        }),
      ),
    ).toBe('pruned from the cluster (removed in 0123456)');
    expect(describeEvent(event('object-pruned'))).toBe(
      'pruned from the cluster',
    );
  });

  it('says why image automation left a release alone', () => {
    expect(describeEvent(event('automation-skipped'))).toBe(
      'image automation skipped: its file does not read cleanly',
    );
  });

  it('spells out an event type it has no words for', () => {
    expect(describeEvent(event('prune-confirmed'))).toBe('prune confirmed');
  });
});

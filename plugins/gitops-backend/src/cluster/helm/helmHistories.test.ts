import { helmHistories } from './helmHistories';
import { HelmRevision } from './types';

function revision(
  namespace: string,
  name: string,
  number: number,
  status: HelmRevision['status'] = 'superseded',
): HelmRevision {
  return { name, namespace, revision: number, status, values: {} };
}

describe('helmHistories', () => {
  it('groups by namespace and name, oldest revision first', () => {
    const histories = helmHistories([
      revision('dev', 'podinfo-dev', 3, 'deployed'),
      revision('stg', 'podinfo-dev', 1, 'deployed'),
      revision('dev', 'podinfo-dev', 1),
      revision('dev', 'podinfo-dev', 10),
      revision('dev', 'podinfo-dev', 2),
    ]);
    expect([...histories.keys()]).toEqual([
      'dev/podinfo-dev',
      'stg/podinfo-dev',
    ]);
    expect(histories.get('dev/podinfo-dev')!.map(r => r.revision)).toEqual([
      1, 2, 3, 10,
    ]);
    expect(histories.get('stg/podinfo-dev')!.map(r => r.revision)).toEqual([1]);
  });

  it('keeps a revision listed twice once', () => {
    const histories = helmHistories([
      revision('dev', 'a', 1),
      revision('dev', 'a', 1),
    ]);
    expect(histories.get('dev/a')).toHaveLength(1);
  });

  it('is empty for no revisions', () => {
    expect(helmHistories([]).size).toBe(0);
  });
});

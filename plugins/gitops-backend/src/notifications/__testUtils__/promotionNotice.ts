import { ReleaseRecord } from '../../database';
import { noticeOfEvent, ReleaseNotice } from '../releaseNotices';

/** The notice of `actor` promoting stefanprodan/podinfo:stg-2 onto `release`. */
export function promotionNotice(
  release: ReleaseRecord,
  actor: string,
): ReleaseNotice {
  return noticeOfEvent({
    type: 'promoted',
    repository: 'config',
    environment: release.environment,
    namespace: release.namespace,
    name: release.name,
    commit: 'abcdef0123',
    actor,
    details: { image: 'stefanprodan/podinfo', tag: 'stg-2' },
    at: new Date(),
  })!;
}

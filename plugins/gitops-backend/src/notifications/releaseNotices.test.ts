import { NewEvent, ReleaseStatusRecord } from '../database';
import { noticeOfEvent, noticeOfTransition } from './releaseNotices';

const at = new Date('2026-11-30T10:00:00Z');
const stg = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };

const event = (overrides: Partial<NewEvent>): NewEvent => ({
  type: 'promoted',
  repository: 'demo-config',
  ...stg,
  commit: '0123456789abcdef',
  at,
  ...overrides,
});

const status = (
  overrides: Partial<ReleaseStatusRecord> = {},
): ReleaseStatusRecord => ({
  ...stg,
  cluster: 'demo',
  state: 'Failed',
  reason: 'Helm upgrade failed: timed out waiting for the condition',
  differences: [],
  revision: 4,
  ...overrides,
});

describe('noticeOfEvent', () => {
  it('tells who promoted what from where, with the commit, leaving the actor out', () => {
    expect(
      noticeOfEvent(
        event({
          actor: 'user:default/jane',
          details: {
            from: { environment: 'dev', tag: 'dev-abc' },
            to: { ...stg, tag: 'dev-abc' },
            image: 'stefanprodan/podinfo',
            tag: 'dev-abc',
          },
        }),
      ),
    ).toEqual({
      release: stg,
      actor: 'user:default/jane',
      title: 'stg/podinfo-rc in stg promoted to dev-abc',
      description:
        'user:default/jane promoted stefanprodan/podinfo:dev-abc from dev to stg in commit 0123456.',
      severity: 'normal',
      topic: 'gitops.promotion',
      scope: 'gitops:promotion:stg/stg/podinfo-rc',
    });
  });

  it('gives a lock its reason, and a lock and an unlock one scope', () => {
    const locked = noticeOfEvent(
      event({
        type: 'locked',
        actor: 'user:default/jane',
        details: { message: 'load test until Friday' },
      }),
    );
    const unlocked = noticeOfEvent(
      event({ type: 'unlocked', actor: 'user:default/jane', details: {} }),
    );
    expect(locked).toMatchObject({
      title: 'stg/podinfo-rc in stg locked',
      topic: 'gitops.lock',
      actor: 'user:default/jane',
    });
    expect(locked?.description).toContain('user:default/jane locked it');
    expect(locked?.description).toContain('Reason: load test until Friday');
    expect(unlocked?.title).toBe('stg/podinfo-rc in stg unlocked');
    expect(unlocked?.description).not.toContain('Reason');
    expect(unlocked?.scope).toBe(locked?.scope);
  });

  it('tells an automation commit with its old and new tag, excluding nobody', () => {
    const notice = noticeOfEvent(
      event({
        type: 'image-updated',
        author: 'Flux',
        details: { image: 'stefanprodan/podinfo', from: 'stg-1', to: 'stg-2' },
      }),
    );
    expect(notice).toMatchObject({
      title: 'stg/podinfo-rc in stg updated to stg-2',
      description:
        'Image automation moved stefanprodan/podinfo from stg-1 to stg-2 in commit 0123456.',
      severity: 'low',
      topic: 'gitops.image-update',
      scope: 'gitops:image-update:stg/stg/podinfo-rc',
    });
    expect(notice?.actor).toBeUndefined();
    // A digest move has no old tag.
    expect(
      noticeOfEvent(
        event({
          type: 'image-updated',
          details: { image: 'x', to: 'sha256:ab' },
        }),
      )?.description,
    ).toBe('Image automation moved x to sha256:ab in commit 0123456.');
  });

  it('tells nothing of other events, nor of events without a release', () => {
    expect(noticeOfEvent(event({ type: 'synced' }))).toBeUndefined();
    expect(
      noticeOfEvent(event({ type: 'reconcile-requested' })),
    ).toBeUndefined();
    expect(noticeOfEvent(event({ type: 'release-state' }))).toBeUndefined();
    expect(
      noticeOfEvent(event({ type: 'promoted', name: undefined })),
    ).toBeUndefined();
  });
});

describe('noticeOfTransition', () => {
  it('tells a release turning Failed loudly, with the reason and revision', () => {
    expect(noticeOfTransition('Synced', status())).toEqual({
      release: stg,
      title: 'stg/podinfo-rc in stg failed',
      description:
        'Was Synced. Helm upgrade failed: timed out waiting for the condition (cluster demo, Helm revision 4).',
      severity: 'high',
      topic: 'gitops.release-state',
      scope: 'gitops:state:stg/stg/podinfo-rc',
    });
  });

  it('tells Drifted and Missing at normal severity, in the same scope', () => {
    const drifted = noticeOfTransition(
      'Synced',
      status({ state: 'Drifted', reason: 'values differ' }),
    );
    const missing = noticeOfTransition(
      'Drifted',
      status({ state: 'Missing', reason: 'no Helm release' }),
    );
    expect(drifted).toMatchObject({
      title: 'stg/podinfo-rc in stg drifted from git',
      severity: 'normal',
    });
    expect(missing).toMatchObject({
      title: 'stg/podinfo-rc in stg is missing from its cluster',
      severity: 'normal',
    });
    expect(missing?.scope).toBe(drifted?.scope);
  });

  it('tells nothing of a state that stays, or of a harmless one', () => {
    expect(noticeOfTransition('Failed', status())).toBeUndefined();
    expect(
      noticeOfTransition('Failed', status({ state: 'Synced' })),
    ).toBeUndefined();
    expect(
      noticeOfTransition('Synced', status({ state: 'Progressing' })),
    ).toBeUndefined();
  });

  it('tells a first state only when it is Failed', () => {
    expect(noticeOfTransition(undefined, status())?.severity).toBe('high');
    expect(
      noticeOfTransition(undefined, status({ state: 'Missing' })),
    ).toBeUndefined();
    expect(
      noticeOfTransition(undefined, status({ state: 'Drifted' })),
    ).toBeUndefined();
  });

  it('names no address a reason holds', () => {
    const notice = noticeOfTransition(
      'Synced',
      status({ reason: 'connect ECONNREFUSED 10.0.0.12:6443' }),
    );
    expect(notice?.description).not.toContain('10.0.0.12');
    expect(notice?.description).toContain('see the release on the entity page');
  });
});

import { autoReleaseMessage } from './commitMessage';

describe('autoReleaseMessage', () => {
  it('names the one image', () => {
    expect(autoReleaseMessage(['stefanprodan/podinfo:dev-a1'])).toBe(
      'Auto-release stefanprodan/podinfo:dev-a1',
    );
  });

  it('summarises several, sorted and without repeats', () => {
    expect(autoReleaseMessage(['b/app:2', 'a/app:1', 'b/app:2'])).toBe(
      'Auto-release multiple (2) images\n\n - a/app:1\n - b/app:2',
    );
  });
});

import { kubeConfigFor } from './kubeConfigFor';

describe('kubeConfigFor', () => {
  it('points at the double over plain HTTP with its token', () => {
    const kubeConfig = kubeConfigFor(
      { url: 'http://127.0.0.1:1234', token: 'secret' },
      'demo',
    );
    expect(kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'http://127.0.0.1:1234',
      skipTLSVerify: true,
    });
    expect(kubeConfig.getCurrentUser()).toMatchObject({ token: 'secret' });
    expect(
      kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace,
    ).toBe('demo');
  });
});

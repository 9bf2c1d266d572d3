import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ActionPrincipals } from './ActionPrincipals';

describe('ActionPrincipals', () => {
  const auth = mockServices.auth();
  const fromConfig = (actions?: object) =>
    ActionPrincipals.fromConfig(
      new ConfigReader(actions ? { gitops: { actions } } : {}),
      auth,
    );

  it('lets users act, and no service unless the config names it', () => {
    const principals = fromConfig();
    expect(() =>
      principals.assertMayAct(mockCredentials.user(), 'user:default/mock'),
    ).not.toThrow();
    expect(() =>
      principals.assertMayAct(
        mockCredentials.service('plugin:catalog'),
        'plugin:catalog',
      ),
    ).toThrow(
      'plugin:catalog may not take gitops actions: a service needs gitops.actions.allowedServices to name it',
    );
  });

  it('lets exactly the named services act', () => {
    const principals = fromConfig({
      allowedServices: ['external:release-bot'],
    });
    expect(() =>
      principals.assertMayAct(
        mockCredentials.service('external:release-bot'),
        'external:release-bot',
      ),
    ).not.toThrow();
    expect(() =>
      principals.assertMayAct(
        mockCredentials.service('external:release-bot-2'),
        'external:release-bot-2',
      ),
    ).toThrow(/may not take gitops actions/);
    expect(() =>
      principals.assertMayAct(mockCredentials.none(), 'unknown'),
    ).toThrow(/may not take gitops actions/);
  });

  it('refuses a list that is not one of subjects, naming the key', () => {
    expect(() => fromConfig({ allowedServices: 'plugin:ci' })).toThrow(
      /gitops\.actions\.allowedServices/,
    );
    expect(() => fromConfig({ allowedServices: ['plugin:ci', ' '] })).toThrow(
      'gitops.actions.allowedServices[1] must be a service subject, such as plugin:scaffolder or external:release-bot',
    );
  });
});

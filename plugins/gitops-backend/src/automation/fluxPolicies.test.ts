import { FluxObjectRecord } from '../database';
import { automationFor, repositoryAutomations } from './fluxPolicies';

const object = (
  path: string,
  kind: FluxObjectRecord['kind'],
  name: string,
  spec: Record<string, unknown>,
  apiVersion = kind === 'ImageUpdateAutomation'
    ? 'image.toolkit.fluxcd.io/v1beta1'
    : 'source.toolkit.fluxcd.io/v1',
): FluxObjectRecord => ({
  repository: 'config',
  path,
  line: 1,
  apiVersion,
  kind,
  namespace: 'flux-system',
  name,
  spec,
});

const bootstrap = (env: string): FluxObjectRecord[] => [
  object(
    `clusters/${env}/flux-system/gotk-sync.yaml`,
    'GitRepository',
    'flux-system',
    {
      url: 'ssh://git@github.com/example/fleet',
    },
  ),
  object(
    `clusters/${env}/flux-system/gotk-sync.yaml`,
    'Kustomization',
    'flux-system',
    {
      path: `./clusters/${env}`,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
    'kustomize.toolkit.fluxcd.io/v1',
  ),
];

const automation = (env: string, spec: Record<string, unknown>) =>
  object(
    `clusters/${env}/image-automation.yaml`,
    'ImageUpdateAutomation',
    `apps-${env}`,
    {
      update: { path: `./apps/${env}` },
      ...spec,
    },
  );

const repository = { url: 'https://git.example/config.git', branch: 'main' };

describe('repositoryAutomations', () => {
  it("keeps the automations of this repository: sourceRef unset, bootstrap's own GitRepository, or one with its url", () => {
    const objects = [
      ...bootstrap('staging'),
      object('clusters/staging/other.yaml', 'GitRepository', 'same-url', {
        url: 'https://git.example/config',
      }),
      object('clusters/staging/other.yaml', 'GitRepository', 'app-source', {
        url: 'https://git.example/app.git',
      }),
      automation('staging', {
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      }),
      automation('unset', {}),
      automation('by-url', {
        sourceRef: { kind: 'GitRepository', name: 'same-url' },
      }),
      automation('elsewhere', {
        sourceRef: { kind: 'GitRepository', name: 'app-source' },
      }),
      automation('other-branch', {
        git: { checkout: { ref: { branch: 'release' } } },
      }),
      automation('broken', { update: { path: '../outside' } }),
    ];
    const { automations, problems } = repositoryAutomations(
      objects,
      repository,
    );
    expect(automations.map(a => a.name)).toEqual([
      'apps-staging',
      'apps-unset',
      'apps-by-url',
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^clusters\/broken\/image-automation.yaml: .*must stay inside the repository/,
      ),
    ]);
  });

  it("picks the environment's own automation, then the narrowest update path", () => {
    const { automations } = repositoryAutomations(
      [
        automation('wide', { update: { path: './apps' } }),
        automation('staging', {}),
        object(
          'clusters/production/image-automation.yaml',
          'ImageUpdateAutomation',
          'prod-all',
          {
            update: { path: './' },
          },
        ),
      ],
      repository,
    );
    expect(
      automationFor(automations, 'apps/staging/values.yaml', 'staging')?.name,
    ).toBe('apps-staging');
    expect(
      automationFor(automations, 'apps/production/values.yaml', 'production')
        ?.name,
    ).toBe('prod-all');
    expect(automationFor(automations, 'apps/qa/values.yaml', 'qa')?.name).toBe(
      'apps-wide',
    );
    expect(
      automationFor(automations.slice(1, 2), 'charts/x.yaml', 'staging'),
    ).toBeUndefined();
  });
});

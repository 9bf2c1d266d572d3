import { HelmRevision } from '../cluster/helm';
import {
  DEFAULT_STUCK_AFTER_MS,
  describeInFlight,
  isInFlight,
} from './inFlightOperation';

const pending: HelmRevision = {
  name: 'podinfo-dev',
  namespace: 'dev',
  revision: 4,
  status: 'pending-upgrade',
  chartName: 'podinfo',
  chartVersion: '0.2.2',
  lastDeployed: '2024-05-06T10:00:00.000Z',
  values: {},
};

describe('isInFlight', () => {
  it.each([
    ['pending-install', true],
    ['pending-upgrade', true],
    ['pending-rollback', true],
    ['uninstalling', true],
    ['deployed', false],
    ['failed', false],
    ['superseded', false],
    ['uninstalled', false],
    ['unknown', false],
  ] as const)('%s: %s', (status, expected) => {
    expect(isInFlight({ ...pending, status })).toBe(expected);
  });
});

describe('describeInFlight', () => {
  it('says what runs and since when while it is young', () => {
    expect(
      describeInFlight(
        pending,
        new Date('2024-05-06T10:03:10Z'),
        DEFAULT_STUCK_AFTER_MS,
      ),
    ).toBe(
      'pending-upgrade of podinfo-0.2.2 revision 4, started 3 minutes ago',
    );
  });

  it('calls an old one stuck, with its age and the way out', () => {
    expect(
      describeInFlight(
        pending,
        new Date('2024-05-06T10:12:00Z'),
        DEFAULT_STUCK_AFTER_MS,
      ),
    ).toBe(
      'pending-upgrade for 12 minutes: another operation is in progress; reconcile to unblock',
    );
  });

  it('cannot tell an age without a start time', () => {
    const noTime = { ...pending, lastDeployed: undefined };
    expect(describeInFlight(noTime, new Date('2030-01-01T00:00:00Z'), 1)).toBe(
      'pending-upgrade of podinfo-0.2.2 revision 4',
    );
  });
});

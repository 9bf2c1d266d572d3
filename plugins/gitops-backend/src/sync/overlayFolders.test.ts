import { CommitChanges } from '../changes';
import { OverlayFolders } from './overlayFolders';

const modified = (path: string): CommitChanges => ({
  full: false,
  changes: [{ status: 'M', path }],
});

describe('OverlayFolders', () => {
  it('looks once while syncs follow one another, and again after a kustomization file came or went', async () => {
    const folders = new OverlayFolders();
    const look = jest.fn(async () => true);
    folders.advance(undefined, 'c1', { full: true });
    expect(await folders.isOverlay('apps/dev', look)).toBe(true);
    folders.advance('c1', 'c2', modified('apps/dev/podinfo-values.yaml'));
    expect(await folders.isOverlay('apps/dev', look)).toBe(true);
    expect(look).toHaveBeenCalledTimes(1);

    folders.advance('c2', 'c3', {
      full: false,
      changes: [{ status: 'D', path: 'apps/dev/kustomization.yaml' }],
    });
    look.mockResolvedValue(false);
    expect(await folders.isOverlay('apps/dev', look)).toBe(false);
    expect(look).toHaveBeenCalledTimes(2);
  });

  it('says a folder is known classic only once it looked and found no kustomization', async () => {
    const folders = new OverlayFolders();
    folders.advance(undefined, 'c1', { full: true });
    expect(folders.isKnownClassic('releases/dev')).toBe(false);
    await folders.isOverlay('releases/dev', async () => false);
    await folders.isOverlay('apps/dev', async () => true);
    expect(folders.isKnownClassic('releases/dev')).toBe(true);
    expect(folders.isKnownClassic('apps/dev')).toBe(false);
    folders.advance('c1', 'c2', {
      full: false,
      changes: [{ status: 'A', path: 'releases/dev/kustomization.yaml' }],
    });
    expect(folders.isKnownClassic('releases/dev')).toBe(false);
  });

  it('forgets what it knew when a sync does not continue from its commit', async () => {
    const folders = new OverlayFolders();
    const look = jest.fn(async () => false);
    folders.advance(undefined, 'c1', { full: true });
    await folders.isOverlay('releases/dev', look);
    // Another replica synced c2 meanwhile: what c1 said may be stale.
    folders.advance('c2', 'c3', modified('releases/dev/podinfo.yaml'));
    await folders.isOverlay('releases/dev', look);
    expect(look).toHaveBeenCalledTimes(2);
  });

  it('stays within its byte budget when a repository has more folders than fit, and still serves hits', async () => {
    const maxBytes = 4096;
    const folders = new OverlayFolders({ maxBytes });
    const look = jest.fn(async () => true);
    folders.advance(undefined, 'c1', { full: true });
    for (let i = 0; i < 500; i++) {
      await folders.isOverlay(`apps/team-${i}/dev`, look);
      expect(folders.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(look).toHaveBeenCalledTimes(500);
    await folders.isOverlay('apps/team-499/dev', look);
    expect(look).toHaveBeenCalledTimes(500);
    await folders.isOverlay('apps/team-0/dev', look);
    expect(look).toHaveBeenCalledTimes(501);
  });
});

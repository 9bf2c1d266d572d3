import { CommitChanges } from '../changes';
import { ByteBudgetCache, CacheBudgets, processCacheBudgets } from '../kernel';
import { KUSTOMIZATION_FILE_NAMES } from '../manifests';

const isKustomizationFile = (path: string) =>
  (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(
    path.slice(path.lastIndexOf('/') + 1),
  );

/**
 * Which environment folders are kustomize overlays, remembered from one sync
 * to the next so that an incremental sync of a classic folder lists no tree
 * to find out. A folder becomes or stops being an overlay only when a
 * kustomization file is added, deleted or renamed; such a diff, a full read,
 * or a sync that does not continue from the commit this knows forgets it all.
 * Bounded by the `overlayFolders` byte budget; a folder dropped from it is
 * looked at again.
 */
export class OverlayFolders {
  private commit?: string;
  private readonly known: ByteBudgetCache<string, boolean>;

  constructor(options: { budgets?: CacheBudgets; maxBytes?: number } = {}) {
    this.known = (options.budgets ?? processCacheBudgets).create(
      'overlayFolders',
      (folder: string) => 48 + folder.length * 2,
      { maxBytes: options.maxBytes },
    );
  }

  get bytes(): number {
    return this.known.bytes;
  }

  /** Moves what is known at `previous` on to `head`, or forgets it. */
  advance(previous: string | undefined, head: string, changes: CommitChanges) {
    const kept =
      previous !== undefined &&
      this.commit === previous &&
      !changes.full &&
      !changes.changes.some(
        c =>
          c.status !== 'M' &&
          [c.path, c.oldPath].some(
            p => p !== undefined && isKustomizationFile(p),
          ),
      );
    if (!kept) this.known.clear();
    this.commit = head;
  }

  /** Whether `folder` is known not to be an overlay; false when not known. */
  isKnownClassic(folder: string): boolean {
    return this.known.get(folder) === false;
  }

  async isOverlay(
    folder: string,
    look: () => Promise<boolean>,
  ): Promise<boolean> {
    const known = this.known.get(folder);
    if (known !== undefined) return known;
    const overlay = await look();
    this.known.set(folder, overlay);
    return overlay;
  }
}

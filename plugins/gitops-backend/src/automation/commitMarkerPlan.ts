import { LoggerService } from '@backstage/backend-plugin-api';
import { BrokenFile, brokenFile, RepositoryWriter } from '../actions';
import { decodeUtf8File } from '../edits';
import { autoReleaseMessage } from './commitMessage';
import { MarkerPlan } from './decideMarkedImages';
import { renderFluxCommitMessage } from './fluxCommitMessage';
import { MarkedChange, rewriteMarkedValues } from './rewriteMarkedValues';

/** One pushed commit of marked values. */
export type MarkerCommit = {
  commit: string;
  message: string;
  author: { name: string; email: string };
  pushBranch?: string;
  changes: Array<MarkedChange & { file: string }>;
  /** Set when the automation's messageTemplate could not be rendered and `Auto-release` was used. */
  templateFallback?: string;
};

/**
 * Writes one plan's markers at the remote head and pushes one commit:
 * every marked value in the plan's files is decided again from the file as
 * the head has it (a downgrade or a value already moved is left alone), as
 * the automation's author with its message, to its push branch. Files that
 * are not clean YAML at the head are left whole and come back in `skipped`.
 */
export async function commitMarkerPlan(options: {
  writer: RepositoryWriter;
  plan: MarkerPlan;
  defaultAuthor: { name: string; email: string };
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<{ written?: MarkerCommit; skipped: BrokenFile[] }> {
  const { writer, plan, defaultAuthor, signal } = options;
  const automation = plan.automation;
  const author = automation?.author ?? defaultAuthor;
  let skipped: BrokenFile[] = [];
  let templateFallback: string | undefined;
  const written = await writer.write(
    async snapshot => {
      skipped = [];
      templateFallback = undefined;
      const paths = [...plan.files.keys()];
      const manifests = await snapshot.readManifests(paths);
      const files = new Map<string, Buffer>();
      const changes: MarkerCommit['changes'] = [];
      for (const path of paths) {
        const file = manifests.get(path);
        if (!file) continue;
        // Too large to read: the parser's own verdict says so.
        if (file.content.length === 0) {
          const broken = brokenFile(file, snapshot.head);
          if (broken) skipped.push(broken);
          continue;
        }
        const text = decodeUtf8File(path, file.content);
        const result = rewriteMarkedValues(text, plan.files.get(path)!);
        if ('error' in result) {
          skipped.push({
            path,
            head: snapshot.head,
            message: result.error,
            more: 0,
          });
          continue;
        }
        if (result.changes.length === 0) continue;
        files.set(path, Buffer.from(result.content, 'utf8'));
        changes.push(
          ...result.changes.map(change => ({ ...change, file: path })),
        );
      }
      if (changes.length === 0) return undefined;
      const images = [
        ...new Set(
          changes.map(c => {
            if (c.field === 'tag')
              return `${targetImage(plan, c)}:${c.newValue}`;
            if (c.field === 'digest')
              return `${targetImage(plan, c)}@${c.newValue}`;
            return c.newValue;
          }),
        ),
      ].sort();
      let message: string | undefined;
      if (automation?.messageTemplate) {
        message = renderFluxCommitMessage(automation.messageTemplate, {
          automationObject: `${automation.namespace}/${automation.name}`,
          images,
          files: [...files.keys()].sort(),
          changes: changes.map(c => ({
            oldValue: c.oldValue,
            newValue: c.newValue,
            setter: c.setter,
          })),
        });
        if (message === undefined)
          templateFallback = automation.messageTemplate;
      }
      return {
        files,
        message: message ?? autoReleaseMessage(images),
        value: changes,
        author,
        ...(automation?.pushBranch
          ? { pushBranch: automation.pushBranch }
          : {}),
      };
    },
    { signal },
  );
  return {
    written: written && {
      commit: written.commit,
      message: written.message,
      author,
      ...(automation?.pushBranch ? { pushBranch: automation.pushBranch } : {}),
      changes: written.value,
      ...(templateFallback ? { templateFallback } : {}),
    },
    skipped,
  };
}

/** The image a tag change belongs to, named as its ImageRepository names it. */
function targetImage(
  plan: MarkerPlan,
  change: MarkedChange & { file: string },
): string {
  const [namespace, name] = change.setter.split(':');
  return (
    plan.files.get(change.file)?.get(`${namespace}/${name}`)?.image ??
    change.setter
  );
}

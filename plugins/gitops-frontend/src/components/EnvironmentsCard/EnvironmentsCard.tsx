import { Fragment, useMemo, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  gitopsAutomationUpdatePermission,
  GitopsEnvironment,
  GitopsProblem,
  gitopsPromotePermission,
  GitopsPromotion,
  GitopsRelease,
  GitopsReleaseImage,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { gitopsApiRef } from '../../api';
import { isGitopsAvailable } from '../../isGitopsAvailable';
import {
  ActionRunner,
  Outcome,
  PermittedButton,
  useActionRunner,
} from '../shared/actions';
import { CardMessage } from '../shared/CardMessage';
import { compareTags } from '../shared/compareTags';
import { GitopsData, useGitopsData } from '../shared/data';
import { Freshness } from '../shared/Freshness';
import { GitopsCardFrame } from '../shared/GitopsCardFrame';
import { ArrowForwardIcon } from '../shared/icons';
import { RepositoryLinks, repositoryLinks } from '../shared/links';
import { NotLinked } from '../shared/NotLinked';
import { PartialErrors } from '../shared/PartialErrors';
import { SourceProblemNote } from '../shared/SourceProblemNote';
import { Ago } from '../shared/time';
import { PromoteDialog } from './PromoteDialog';

const useStyles = makeStyles(theme => ({
  flow: {
    display: 'flex',
    alignItems: 'stretch',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  stage: {
    flex: '1 1 0',
    minWidth: 170,
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  arrow: { alignSelf: 'center', color: theme.palette.text.secondary },
  stageHeader: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'baseline',
    gap: theme.spacing(1),
  },
  tag: {
    fontFamily: 'monospace',
    fontWeight: 600,
    wordBreak: 'break-all',
  },
  inStep: { color: theme.palette.success.dark },
  behind: { color: theme.palette.warning.dark },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: 'auto',
    paddingTop: theme.spacing(1),
  },
}));

type Stage = {
  name: string;
  environment?: GitopsEnvironment;
  releases: GitopsRelease[];
  problems: GitopsProblem[];
};

/**
 * The stages of the pipelines this entity is deployed through: every
 * environment of the config repositories its releases live in, in order.
 */
function stagesOf(data: GitopsData): Stage[] {
  const repositories = new Set(data.releases.map(r => r.repository));
  const names = data.environments
    .filter(e => repositories.has(e.repository))
    .map(e => e.name);
  for (const release of data.releases) {
    if (!names.includes(release.environment)) names.push(release.environment);
  }
  return names.map(name => ({
    name,
    environment: data.environments.find(e => e.name === name),
    releases: data.releases.filter(r => r.environment === name),
    problems: data.problems.filter(p => p.environment === name),
  }));
}

/** "git sync could not read a file of stg; 2 objects could not be applied". */
function stageProblemsText(stage: Stage): string {
  const count = (source: 'git' | 'apply' | 'prune') =>
    stage.problems.filter(p => (p.source ?? 'git') === source).length;
  const plural = (n: number, one: string, many: string) =>
    n === 1 ? one : `${n} ${many}`;
  const parts: string[] = [];
  const git = count('git');
  if (git) parts.push(`git sync could not read ${plural(git, 'a file', 'files')} of ${stage.name}`);
  const apply = count('apply');
  if (apply) parts.push(`${plural(apply, 'an object', 'objects')} could not be applied`);
  const prune = count('prune');
  if (prune) parts.push(`${plural(prune, 'a prune', 'prunes')} held back`);
  return parts.join('; ');
}

function policyText(release: GitopsRelease, image: GitopsReleaseImage): string {
  if (!release.automated) return release.locked ? 'manual, locked' : 'manual';
  const policy = image.policy ?? 'glob:*';
  return release.locked ? `${policy} (locked)` : policy;
}

function registryText(image: GitopsReleaseImage): string {
  const status = image.status;
  if (!status) return 'registry not checked yet';
  if (status.error) return `registry: ${status.error}`;
  if (!status.latestTag) return 'registry offers no tag under this policy';
  if (status.latestTag === image.tag) return 'runs the newest tag allowed';
  return `newest allowed: ${status.latestTag}`;
}

const Comparison = ({
  image,
  previous,
}: {
  image: GitopsReleaseImage;
  previous: Stage;
}) => {
  const classes = useStyles();
  const before = previous.releases
    .flatMap(r => r.images)
    .find(i => i.repository === image.repository);
  if (!before) {
    return (
      <Typography variant="caption" color="textSecondary">
        {`${previous.name} does not run ${image.repository}`}
      </Typography>
    );
  }
  const relation = compareTags(before.tag, image.tag);
  if (relation === 'in-step') {
    return (
      <Typography variant="caption" className={classes.inStep}>
        {`in step with ${previous.name}`}
      </Typography>
    );
  }
  const words = {
    behind: `behind ${previous.name}`,
    ahead: `ahead of ${previous.name}`,
    differs: `differs from ${previous.name}`,
  }[relation];
  return (
    <Typography
      variant="caption"
      className={relation === 'behind' ? classes.behind : undefined}
      color={relation === 'behind' ? undefined : 'textSecondary'}
      title={`Compared by tag only: ${image.tag} and ${before.tag} may still be the same image`}
    >
      {`${words}, which runs ${before.tag}`}
    </Typography>
  );
};

const StageRelease = ({
  release,
  stage,
  previous,
  showName,
  entityRef,
  links,
  runner,
  onPromote,
}: {
  release: GitopsRelease;
  stage: Stage;
  previous?: Stage;
  showName: boolean;
  entityRef: string;
  links: RepositoryLinks;
  runner: ActionRunner;
  onPromote: (release: GitopsRelease) => void;
}) => {
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const env = stage.name;
  const key = stringifyGitopsReleaseRef(release);
  const resourceRef = stringifyGitopsReleaseRef({ ...release, entityRef });
  const action = { ...release, entityRef };
  const committed = (text: string, commit?: string): Outcome => ({
    severity: 'success',
    text,
    commit,
    commitUrl: commit ? links.commit(release.repository, commit) : undefined,
  });

  const lock = () =>
    runner.run(
      `lock ${key}`,
      async () => {
        const result = await api.lock(action);
        return result.changed
          ? committed(`Locked the image automation of ${env}`, result.commit)
          : { severity: 'info', text: `${env} was already locked` };
      },
      { failure: `Could not lock ${env}` },
    );
  const unlock = () =>
    runner.run(
      `unlock ${key}`,
      async () => {
        const result = await api.unlock(action);
        return result.changed
          ? committed(`Unlocked the image automation of ${env}`, result.commit)
          : { severity: 'info', text: `${env} was not locked` };
      },
      { failure: `Could not unlock ${env}` },
    );

  const suffix = showName ? ` ${release.name}` : '';
  const stale = release.status?.stale;
  return (
    <div>
      {showName && (
        <Typography variant="caption" color="textSecondary" display="block">
          {release.name}
        </Typography>
      )}
      {release.images.map(image => (
        <div key={image.container}>
          <Typography variant="body1" className={classes.tag}>
            {image.tag}
          </Typography>
          <Typography variant="caption" color="textSecondary" display="block">
            {release.images.length > 1
              ? `${image.container}: ${image.repository}`
              : image.repository}
          </Typography>
          <Typography variant="body2">{policyText(release, image)}</Typography>
          <Typography
            variant="caption"
            display="block"
            color={image.status?.error ? 'error' : 'textSecondary'}
            title={image.status?.reason}
          >
            {registryText(image)}
          </Typography>
          {previous && <Comparison image={image} previous={previous} />}
        </div>
      ))}
      {stale && (
        <Typography variant="caption" color="error" display="block">
          cluster has not answered since <Ago at={stale.at} />
        </Typography>
      )}
      <SourceProblemNote release={release} links={links} />
      <div className={classes.actions}>
        {previous && (
          <PermittedButton
            permission={{ permission: gitopsPromotePermission, resourceRef }}
            deniedTitle={`You may not promote to ${env}`}
            disabled={Boolean(runner.running)}
            onClick={() => onPromote(release)}
          >
            {`Promote${suffix} to ${env}`}
          </PermittedButton>
        )}
        {release.locked ? (
          <PermittedButton
            permission={{
              permission: gitopsAutomationUpdatePermission,
              resourceRef,
            }}
            label={`Unlock ${env}${suffix}`}
            deniedTitle={`You may not change the automation of ${env}`}
            busy={runner.running === `unlock ${key}`}
            disabled={Boolean(runner.running)}
            onClick={unlock}
          >
            Unlock
          </PermittedButton>
        ) : (
          release.automated && (
            <PermittedButton
              permission={{
                permission: gitopsAutomationUpdatePermission,
                resourceRef,
              }}
              label={`Lock ${env}${suffix}`}
              deniedTitle={`You may not change the automation of ${env}`}
              busy={runner.running === `lock ${key}`}
              disabled={Boolean(runner.running)}
              onClick={lock}
            >
              Lock
            </PermittedButton>
          )
        )}
      </div>
    </div>
  );
};

const Pipeline = ({
  data,
  entityRef,
  runner,
}: {
  data: GitopsData;
  entityRef: string;
  runner: ActionRunner;
}) => {
  const classes = useStyles();
  const links = useMemo(
    () => repositoryLinks(data.repositories),
    [data.repositories],
  );
  const [promoting, setPromoting] = useState<GitopsRelease>();
  const stages = stagesOf(data);

  const promoted = (promotion: GitopsPromotion) => {
    setPromoting(undefined);
    const env = promotion.to.environment;
    runner.succeeded(
      promotion.commit
        ? {
            severity: 'success',
            text:
              promotion.mode === 'same-digest'
                ? `Promoted ${env} to ${promotion.tag}; its automation keeps working`
                : `Promoted ${env} to ${promotion.tag} and locked its automation`,
            commit: promotion.commit,
            commitUrl: links.commit(
              data.releases.find(r => r.environment === env)?.repository ?? '',
              promotion.commit,
            ),
          }
        : {
            severity: 'info',
            text: `${env} already runs ${promotion.tag}: nothing to commit`,
          },
    );
  };

  return (
    <>
      <div className={classes.flow} aria-label="Promotion pipeline" role="list">
        {stages.map((stage, index) => (
          <Fragment key={stage.name}>
            {index > 0 && (
              <ArrowForwardIcon className={classes.arrow} aria-hidden />
            )}
            <div
              className={classes.stage}
              data-testid={`stage-${stage.name}`}
              role="listitem"
            >
              <div className={classes.stageHeader}>
                <Typography variant="subtitle2">{stage.name}</Typography>
                {stage.environment?.cluster && (
                  <Typography variant="caption" color="textSecondary">
                    {`cluster ${stage.environment.cluster}`}
                  </Typography>
                )}
              </div>
              {stage.releases.length === 0 && (
                <Typography variant="body2" color="textSecondary">
                  Not deployed here
                </Typography>
              )}
              {stage.releases.map(release => (
                <StageRelease
                  key={release.name}
                  release={release}
                  stage={stage}
                  previous={index > 0 ? stages[index - 1] : undefined}
                  showName={stage.releases.length > 1}
                  entityRef={entityRef}
                  links={links}
                  runner={runner}
                  onPromote={setPromoting}
                />
              ))}
              {stage.problems.length > 0 && (
                <Typography variant="caption" color="error" display="block">
                  {stageProblemsText(stage)}
                </Typography>
              )}
            </div>
          </Fragment>
        ))}
      </div>
      <Freshness
        repositories={data.repositories}
        releases={data.releases}
        links={links}
      />
      {promoting && (
        <PromoteDialog
          release={promoting}
          entityRef={entityRef}
          onClose={() => setPromoting(undefined)}
          onPromoted={promoted}
        />
      )}
    </>
  );
};

const LinkedEnvironmentsCard = ({ entity }: { entity: Entity }) => {
  const entityRef = stringifyEntityRef(entity);
  const data = useGitopsData(entityRef);
  const runner = useActionRunner();

  return (
    <GitopsCardFrame title="GitOps environments" data={data} runner={runner}>
      {value => {
        if (value.environments.length === 0) {
          return (
            <CardMessage title="No environments synced yet">
              <Typography variant="body2" color="textSecondary">
                Git sync has not stored the pipeline of any config repository.
                Environments appear here after the first sync of a repository
                listed under gitops.repositories.
              </Typography>
            </CardMessage>
          );
        }
        return (
          <>
            <PartialErrors
              problems={value.problems}
              releases={value.releases}
            />
            {value.releases.length === 0 ? (
              <CardMessage
                title={`No releases of ${entity.metadata.name} recorded yet`}
              >
                <Typography variant="body2" color="textSecondary">
                  {`None of the environments (${value.environments
                    .map(e => e.name)
                    .join(' -> ')}) deploys this entity according to git sync.`}
                </Typography>
              </CardMessage>
            ) : (
              <Pipeline data={value} entityRef={entityRef} runner={runner} />
            )}
          </>
        );
      }}
    </GitopsCardFrame>
  );
};

/**
 * The promotion pipeline (dev, then stg, then prod) drawn left to right:
 * what each stage runs of this entity, under which policy, what the
 * registry offers, and how it compares with the stage before. Stages after
 * the first can be promoted; automation can be locked and unlocked.
 *
 * @public
 */
export const EnvironmentsCard = () => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <InfoCard title="GitOps environments">
        <NotLinked entity={entity} />
      </InfoCard>
    );
  }
  return <LinkedEnvironmentsCard entity={entity} />;
};

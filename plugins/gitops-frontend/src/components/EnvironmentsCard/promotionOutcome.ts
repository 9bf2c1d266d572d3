import {
  GitopsPromotion,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import { Outcome } from '../shared/actions';
import { RepositoryLinks } from '../shared/links';

/** What a confirmed promotion did, in words, with a link to its commit. */
export function promotionOutcome(
  promotion: GitopsPromotion,
  releases: GitopsRelease[],
  links: RepositoryLinks,
): Outcome {
  const env = promotion.to.environment;
  if (!promotion.commit) {
    return {
      severity: 'info',
      text: `${env} already runs ${promotion.tag}: nothing to commit`,
    };
  }
  return {
    severity: 'success',
    text:
      promotion.mode === 'same-digest'
        ? `Promoted ${env} to ${promotion.tag}; its automation keeps working`
        : `Promoted ${env} to ${promotion.tag} and locked its automation`,
    commit: promotion.commit,
    commitUrl: links.commit(
      releases.find(r => r.environment === env)?.repository ?? '',
      promotion.commit,
    ),
  };
}

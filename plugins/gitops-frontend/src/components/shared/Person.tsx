import { EntityDisplayName } from '@backstage/plugin-catalog-react';

// Actions record who asked as the user's entity ref; commits made outside
// the portal carry a git author name instead.
const PERSON_REF = /^(user|group):[^\s/]+\/\S+$/i;

/**
 * Who did something: a catalog user by the name the catalog gives them
 * (their display name where the app presents entities), anything else (a
 * commit author, a service) as written.
 */
export const Person = ({ name }: { name: string }) =>
  PERSON_REF.test(name) ? (
    <span title={name}>
      <EntityDisplayName entityRef={name} hideIcon disableTooltip />
    </span>
  ) : (
    <>{name}</>
  );

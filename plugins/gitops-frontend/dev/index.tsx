import '@backstage/cli/asset-types';
import { useEffect } from 'react';
import ReactDOM from 'react-dom/client';
import { Grid } from '@material-ui/core';
import { Content } from '@backstage/core-components';
import { IdentityApi, SignInPageProps } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { createApp } from '@backstage/frontend-defaults';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { podinfoEntity } from '../src/components/testEntities';
import { gitopsApiRef, GitopsClient } from '../src/api';
import gitopsPlugin from '../src/alpha';
import { ReleasesCard } from '../src/components/ReleasesCard';
import { EnvironmentsCard } from '../src/components/EnvironmentsCard';
import { ActivityContent } from '../src/components/ActivityContent';
import { SAMPLE_BASE_URL, SampleGitopsBackend } from './sampleBackend';

/**
 * The plugin on its own (`yarn start` in this folder): its cards and
 * activity for the demo's podinfo, with the plugin's own client reading
 * sample answers instead of a backend.
 */
const sampleGitops = createFrontendModule({
  pluginId: 'gitops',
  extensions: [
    // Replaces the plugin's API (same extension id, api:gitops).
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: gitopsApiRef,
          deps: {},
          factory: () =>
            new GitopsClient({
              discoveryApi: { getBaseUrl: async () => SAMPLE_BASE_URL },
              fetchApi: new SampleGitopsBackend(),
            }),
        }),
    }),
    PageBlueprint.make({
      params: {
        path: '/',
        title: 'GitOps plugin',
        loader: async () => (
          <EntityProvider entity={podinfoEntity}>
            <Content>
              <Grid container spacing={3}>
                <Grid item xs={12}>
                  <ReleasesCard />
                </Grid>
                <Grid item xs={12}>
                  <EnvironmentsCard />
                </Grid>
                <Grid item xs={12}>
                  <ActivityContent />
                </Grid>
              </Grid>
            </Content>
          </EntityProvider>
        ),
      },
    }),
  ],
});

// There is no auth backend here: the page opens signed in as guest, who
// owns the sample entity's group.
const sampleIdentity: IdentityApi = {
  getProfileInfo: async () => ({ displayName: 'Guest' }),
  getBackstageIdentity: async () => ({
    type: 'user',
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team'],
  }),
  getCredentials: async () => ({}),
  signOut: async () => {},
};

const SignInAsGuest = ({ onSignInSuccess }: SignInPageProps) => {
  useEffect(() => onSignInSuccess(sampleIdentity), [onSignInSuccess]);
  return null;
};

// Nor a permission backend: every action is allowed.
const withoutBackend = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => SignInAsGuest },
    }),
    ApiBlueprint.make({
      name: 'permission',
      params: defineParams =>
        defineParams({
          api: permissionApiRef,
          deps: {},
          factory: () => ({
            authorize: async () => ({ result: AuthorizeResult.ALLOW }),
          }),
        }),
    }),
  ],
});

const app = createApp({
  features: [gitopsPlugin, sampleGitops, withoutBackend],
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());

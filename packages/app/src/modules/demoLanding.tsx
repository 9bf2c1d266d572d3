import { ErrorPage } from '@backstage/core-components';
import {
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Navigate, Route, Routes } from 'react-router-dom';

// The demo opens on the podinfo component, whose page shows the gitops cards.
const demoLandingPage = PageBlueprint.make({
  name: 'demo-landing',
  params: {
    path: '/',
    noHeader: true,
    loader: async () => (
      <Routes>
        <Route
          path="/"
          element={<Navigate to="/catalog/default/component/podinfo" replace />}
        />
        <Route
          path="*"
          element={<ErrorPage status="404" statusMessage="PAGE NOT FOUND" />}
        />
      </Routes>
    ),
  },
});

export const demoLandingModule = createFrontendModule({
  pluginId: 'app',
  extensions: [demoLandingPage],
});

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { spec as generatedSpec } from '../schema/openapi';
import { createReadOnlyRouter } from './__testUtils__/readOnlyRouter';

type Layer = { route?: { path: string; methods: Record<string, boolean> } };

const readSpec = () =>
  parse(
    fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
  ) as { paths: Record<string, Record<string, unknown>> };

describe('the OpenAPI spec', () => {
  it('is what the router is typed and validated by (run `yarn generate` after changing it)', () => {
    expect(generatedSpec).toEqual(readSpec());
  });

  it('describes exactly the routes the router serves', async () => {
    const spec = readSpec();
    const documented = Object.entries(spec.paths)
      .flatMap(([route, methods]) =>
        Object.keys(methods).map(
          method =>
            `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      )
      .sort();

    const router = await createReadOnlyRouter();
    const served = (router.stack as Layer[])
      // Backstage's typed router serves the spec itself there.
      .filter(layer => layer.route && layer.route.path !== '/openapi.json')
      .flatMap(layer =>
        Object.keys(layer.route!.methods).map(
          method => `${method.toUpperCase()} ${layer.route!.path}`,
        ),
      )
      .sort();

    expect(served).toEqual(documented);
  });
});

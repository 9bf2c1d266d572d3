import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseChartYaml } from './chartYaml';

describe('parseChartYaml', () => {
  it('reads the demo chart', () => {
    const path = resolve(
      __dirname,
      '../../../../examples/config-repo/charts/podinfo/Chart.yaml',
    );
    expect(
      parseChartYaml('charts/podinfo/Chart.yaml', readFileSync(path)),
    ).toEqual({
      name: 'podinfo',
      version: '0.2.0',
      appVersion: '0.4.10',
    });
  });

  it('keeps the written text of an unquoted appVersion', () => {
    expect(
      parseChartYaml(
        'Chart.yaml',
        'apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: 1.10\n',
      ),
    ).toEqual({
      name: 'app',
      version: '1.0.0',
      appVersion: '1.10',
    });
    expect(parseChartYaml('Chart.yaml', 'name: app\nversion: 1.0.0\n')).toEqual(
      { name: 'app', version: '1.0.0' },
    );
  });

  it.each([
    ['name: app\n', 1, 'Chart.yaml: version is required'],
    [
      'name: app\nversion: 1.0\n',
      2,
      'Chart.yaml: version must be a string, not the number 1',
    ],
    ['version: 1.0.0\n', 1, 'Chart.yaml: name is required'],
    ['- name: app\n', 1, 'Chart.yaml: Chart.yaml is not a mapping'],
    ['', 1, 'Chart.yaml is empty'],
  ])('reports %p at line %d', (content, line, message) => {
    expect(parseChartYaml('charts/app/Chart.yaml', content)).toEqual({
      path: 'charts/app/Chart.yaml',
      line,
      message: expect.stringContaining(message),
    });
  });

  it('reports YAML syntax errors with their line', () => {
    const result = parseChartYaml(
      'charts/app/Chart.yaml',
      'name: app\nversion: "1.0.0\n',
    );
    expect(result).toMatchObject({
      path: 'charts/app/Chart.yaml',
      message: expect.stringContaining('YAML syntax error'),
    });
    expect('line' in result && result.line).toBeGreaterThanOrEqual(2);
  });
});

import {
  AutomationChanges,
  renderFluxCommitMessage,
} from './fluxCommitMessage';

const changes: AutomationChanges = {
  automationObject: 'flux-system/apps',
  images: ['ghcr.io/stefanprodan/podinfo:6.5.1', 'ghcr.io/org/worker:2.0.0'],
  files: ['apps/staging/podinfo-values.yaml'],
  changes: [
    {
      oldValue: '6.5.0',
      newValue: '6.5.1',
      setter: 'flux-system:podinfo-staging:tag',
    },
  ],
};

describe('renderFluxCommitMessage', () => {
  it('keeps plain text as it is', () => {
    expect(renderFluxCommitMessage('Update staging images', changes)).toBe(
      'Update staging images',
    );
  });

  it("renders Flux's documented fields and ranges", () => {
    const template = [
      'Automated image update by {{ .AutomationObject }}',
      '',
      'Files:',
      '{{ range $filename, $_ := .Updated.Files -}}',
      '- {{ $filename }}',
      '{{ end -}}',
      'Images:',
      '{{ range .Updated.Images -}}',
      '- {{ . }}',
      '{{ end -}}',
      '{{/* a comment */}}Changes:',
      '{{ range .Changed.Changes -}}',
      '- {{ .OldValue }} -> {{ .NewValue }} ({{ .Setter }})',
      '{{ end -}}',
    ].join('\n');
    expect(renderFluxCommitMessage(template, changes)).toBe(
      [
        'Automated image update by flux-system/apps',
        '',
        'Files:',
        '- apps/staging/podinfo-values.yaml',
        'Images:',
        '- ghcr.io/stefanprodan/podinfo:6.5.1',
        '- ghcr.io/org/worker:2.0.0',
        'Changes:',
        '- 6.5.0 -> 6.5.1 (flux-system:podinfo-staging:tag)',
        '',
      ].join('\n'),
    );
  });

  it.each([
    '{{ .Values.env }}',
    '{{ printf "%s" .AutomationObject }}',
    '{{ if .Updated }}x{{ end }}',
    '{{ range .Updated.Images }}{{ range .Updated.Files }}{{ end }}{{ end }}',
    '{{ range .Updated.Images }}unclosed',
    '{{ . }} outside a range',
    '{{ range .Updated.Objects }}{{ end }}',
    '',
  ])('refuses what it cannot render without evaluating code: %s', template => {
    expect(renderFluxCommitMessage(template, changes)).toBeUndefined();
  });
});

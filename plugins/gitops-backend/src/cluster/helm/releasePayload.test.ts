import { gzipSync } from 'node:zlib';
import { decodeReleasePayload, ReleasePayloadError } from './releasePayload';
import {
  gzipLikeGo,
  payloadFromDouble,
  twiceBase64,
} from './__testUtils__/helmSecretFixtures';

describe('decodeReleasePayload', () => {
  const json = '{"name":"podinfo-dev","version":3,"manifest":"a \\u003c b"}';

  it('reads what the simulated cluster stores', () => {
    const release = {
      name: 'podinfo-dev',
      version: 3,
      config: { a: [1, 'ü'] },
    };
    expect(
      JSON.parse(decodeReleasePayload(payloadFromDouble(release))),
    ).toEqual(release);
  });

  it('reads a gzip stream framed the way Go writes it for Helm', () => {
    const apiValue = twiceBase64(gzipLikeGo(Buffer.from(json)));
    expect(decodeReleasePayload(apiValue)).toBe(json);
  });

  it('reads a payload without gzip, as Helm does', () => {
    expect(decodeReleasePayload(twiceBase64(Buffer.from(json)))).toBe(json);
  });

  it('tolerates a trailing newline around either layer', () => {
    const helmValue = `${gzipSync(Buffer.from(json)).toString('base64')}\n`;
    const apiValue = `${Buffer.from(helmValue).toString('base64')}\n`;
    expect(decodeReleasePayload(apiValue)).toBe(json);
  });

  it.each([
    ['the API layer is not base64', 'not*base64!', 'Kubernetes encoding'],
    ['the API layer is truncated', 'SDRzSUFB', "Helm's encoding"],
    [
      "Helm's layer is not base64",
      Buffer.from('{"name":"x"}').toString('base64'),
      "Helm's encoding",
    ],
  ])('rejects input where %s', (_case, apiValue, layer) => {
    expect(() => decodeReleasePayload(apiValue)).toThrow(ReleasePayloadError);
    expect(() => decodeReleasePayload(apiValue)).toThrow(layer);
  });

  it('rejects gzip magic followed by garbage', () => {
    const broken = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 0x08, 0]),
      Buffer.from('not deflate'),
    ]);
    expect(() => decodeReleasePayload(twiceBase64(broken))).toThrow(
      'holds gzip data that does not decompress',
    );
  });

  it('rejects a truncated gzip stream', () => {
    const whole = gzipLikeGo(Buffer.from(json));
    const truncated = whole.subarray(0, whole.length - 12);
    expect(() => decodeReleasePayload(twiceBase64(truncated))).toThrow(
      ReleasePayloadError,
    );
  });
});

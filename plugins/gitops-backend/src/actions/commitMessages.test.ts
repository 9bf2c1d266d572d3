import { actionMessage, requesterOf } from './commitMessages';

describe('commit messages of actions', () => {
  it('reads back who asked from the message an action wrote', () => {
    const message = actionMessage({
      subject: 'Lock podinfo in stg',
      body: ['Incident 42:\nhold'],
      actor: 'user:default/jane',
    });
    expect(message).toBe(
      'Lock podinfo in stg\n\nIncident 42: hold\n\nRequested-by: user:default/jane',
    );
    expect(requesterOf(message)).toBe('user:default/jane');
    expect(requesterOf(`${message}\n`)).toBe('user:default/jane');
  });

  it('reads the trailer only from the last paragraph, and nothing from a message without one', () => {
    expect(requesterOf('Bump dev')).toBeUndefined();
    expect(
      requesterOf(
        'Bump dev\n\nRequested-by: user:default/jane\n\nSigned-off-by: A <a@b>',
      ),
    ).toBeUndefined();
    expect(requesterOf('Bump dev\n\nRequested-by:   \n')).toBeUndefined();
  });
});

import { expect } from 'chai';
import { ep, slice } from '../testing/objects.js';
import { ChangeTrackers } from './changes.js';

const TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';

describe('change trackers: last-change trigger times for network programming latency', () => {
  const stamped = (name: string, at: string | undefined) => {
    const s = slice(`default/${name}`, 'web', [ep('10.244.0.5')], [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    if (at) s.metadata.annotations = { [TRIGGER]: at };
    return s;
  };
  const started = Date.parse('2025-04-01T10:00:00Z');

  it('hands over the trigger times of slice writes since the last checkout, once', () => {
    const t = new ChangeTrackers(4, 'node-1', () => started);
    t.slice('default/web-a', stamped('web-a', '2025-04-01T10:00:01.5Z'), 10);
    t.slice('default/web-a', stamped('web-a', '2025-04-01T10:00:02Z'), 11);
    t.slice('default/web-b', stamped('web-b', undefined), 12);
    expect(t.checkout().triggerTimes).to.deep.equal([Date.parse('2025-04-01T10:00:01.5Z'), Date.parse('2025-04-01T10:00:02Z')]);
    expect(t.checkout().triggerTimes).to.deep.equal([]);
  });

  it('ignores changes from before the tracker started, and a Service whose slice was deleted', () => {
    const t = new ChangeTrackers(4, 'node-1', () => started);
    t.slice('default/web-a', stamped('web-a', '2025-04-01T09:59:59Z'), 10);
    expect(t.checkout().triggerTimes).to.deep.equal([]);
    t.slice('default/web-a', stamped('web-a', '2025-04-01T10:00:03Z'), 11);
    t.slice('default/web-a', undefined, 12);
    expect(t.checkout().triggerTimes).to.deep.equal([]);
  });
});

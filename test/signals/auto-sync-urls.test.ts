// Which members auto-sync takes its endpoints from (cluster.memberList wire answers, as etcd 3.4+ sends them).
import { describe, expect, it } from 'vitest';
import { clientUrls } from '../../generated/runtime/core/auto-sync.js';

describe('clientUrls', () => {
  it('takes the client URLs of started voting members, normalized and without duplicates', () => {
    const answer = {
      members: [
        { ID: '1', name: 'a', clientURLs: ['http://10.0.0.1:2379/', 'http://127.0.0.1:2379'] },
        { ID: '2', name: 'b', clientURLs: ['http://10.0.0.2:2379', 'http://10.0.0.1:2379'] },
        { ID: '3', name: '', peerURLs: ['http://10.0.0.3:2380'] }, // added, not started
        { ID: '4', name: 'd', isLearner: true, clientURLs: ['http://10.0.0.4:2379'] },
      ],
    };
    expect(clientUrls(answer)).toEqual(['http://10.0.0.1:2379', 'http://127.0.0.1:2379', 'http://10.0.0.2:2379']);
  });

  it('keeps the current list (empty result) for an empty, odd or unusable answer', () => {
    expect(clientUrls({})).toEqual([]);
    expect(clientUrls({ members: 'x' })).toEqual([]);
    expect(clientUrls({ members: [{ name: 'a', clientURLs: ['unix:///run/etcd.sock'] }] })).toEqual([]);
  });
});

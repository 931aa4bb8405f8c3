import { expect } from 'chai';
import { deletionConditions, mergeConditions } from './conditions.js';

describe('namespace deletion conditions (upstream namespaceConditionUpdater)', () => {
  it('all is well: five False conditions with upstream reasons and messages', () => {
    expect(deletionConditions({ resources: new Map(), finalizers: new Map() })).to.deep.equal([
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
      { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ]);
  });

  it('content held by finalizers: sorted counts, core group as "services."', () => {
    const got = deletionConditions({
      resources: new Map([['services.', 2], ['endpointslices.discovery.k8s.io', 1]]),
      finalizers: new Map([['example.com/b', 1], ['example.com/a', 2]]),
    });
    expect(got[3]).to.deep.equal({
      type: 'NamespaceContentRemaining',
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: endpointslices.discovery.k8s.io has 1 resource instances, services. has 2 resource instances',
    });
    expect(got[4]).to.deep.equal({
      type: 'NamespaceFinalizersRemaining',
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances',
    });
  });

  it('merging keeps other conditions, moves the transition time only on a status change', () => {
    const wanted = deletionConditions({ resources: new Map(), finalizers: new Map() });
    const first = mergeConditions([{ type: 'Other', status: 'True' }], wanted, 't1');
    expect(first.changed).to.equal(true);
    expect(first.conditions.map((c) => [c.type, c.lastTransitionTime])).to.deep.equal([
      ['Other', undefined],
      ['NamespaceDeletionDiscoveryFailure', 't1'],
      ['NamespaceDeletionGroupVersionParsingFailure', 't1'],
      ['NamespaceDeletionContentFailure', 't1'],
      ['NamespaceContentRemaining', 't1'],
      ['NamespaceFinalizersRemaining', 't1'],
    ]);
    expect(mergeConditions(first.conditions, wanted, 't2').changed).to.equal(false);
    const held = deletionConditions({ resources: new Map([['services.', 1]]), finalizers: new Map() });
    const second = mergeConditions(first.conditions, held, 't3');
    expect(second.changed).to.equal(true);
    expect(second.conditions.find((c) => c.type === 'NamespaceContentRemaining')).to.include({ status: 'True', lastTransitionTime: 't3' });
    expect(second.conditions.find((c) => c.type === 'NamespaceFinalizersRemaining')).to.include({ status: 'False', lastTransitionTime: 't1' });
  });
});

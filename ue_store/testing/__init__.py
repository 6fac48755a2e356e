"""Test support shipped with ue_store: clocks, store harnesses, the conformance suite.

Any store that implements ``ue_store.domain.protocol.Store`` can run the
conformance suite by subclassing ``ConformanceSuite`` with a ``harness``
fixture.
"""

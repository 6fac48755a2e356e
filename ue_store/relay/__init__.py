"""The outbox relay process: claims events and hands them to a sink.

``manage.py ue_store_relay`` runs it; ``docs/outbox.md`` states its
delivery contract.
"""

from __future__ import annotations

"""ue_store: the durable PostgreSQL store of user-engine, as a Django app.

``ue_store.domain`` holds the store protocol and records and imports no
Django; ``ue_store.memory`` is the in-memory store; ``ue_store.postgres`` is
the PostgreSQL adapter over the models in ``ue_store.models``.
"""

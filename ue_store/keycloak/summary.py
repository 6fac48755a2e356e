"""Counts of what an import created, updated, left unchanged or skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

#: Entities in the order the summary lists them.
ENTITIES: Final = (
    "tenants",
    "users",
    "accounts",
    "service accounts",
    "external identities",
    "applications",
    "bindings",
    "catalog attributes",
    "profile values",
    "groups",
    "memberships",
)

OUTCOMES: Final = ("created", "updated", "unchanged", "skipped")


@dataclass(slots=True)
class SkippedItem:
    """An item left out under ``--on-conflict=skip``, with the rule it broke."""

    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.reason}"


@dataclass(slots=True)
class RealmSummary:
    """The outcome of importing one realm into its tenant.

    ``not_mapped`` counts export content that has no place in the store, by
    a label such as ``users[].credentials``; labels name keys, never values.
    """

    realm: str
    tenant_slug: str = ""
    tenant_id: UUID | None = None
    committed: bool = False
    dry_run: bool = False
    failed: bool = False
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in ENTITIES}
    )
    not_mapped: Counter[str] = field(default_factory=Counter)
    skipped: list[SkippedItem] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)

    def count(self, entity: str, outcome: str, amount: int = 1) -> None:
        """Add ``amount`` to the ``outcome`` count of ``entity``."""
        if entity not in self.counts or outcome not in OUTCOMES:
            raise KeyError(f"unknown summary entry {entity}/{outcome}")
        self.counts[entity][outcome] += amount

    def skip(self, entity: str, item: SkippedItem) -> None:
        self.count(entity, "skipped")
        self.skipped.append(item)

    def snapshot(self) -> tuple[Any, ...]:
        """Return the counts as they are now, for ``restore``."""
        counts = {name: Counter(values) for name, values in self.counts.items()}
        return counts, Counter(self.not_mapped), Counter(self.notes), len(self.skipped)

    def restore(self, snapshot: tuple[Any, ...]) -> None:
        """Undo the counts since ``snapshot``, after a savepoint rolled back."""
        counts, not_mapped, notes, skipped = snapshot
        self.counts, self.not_mapped, self.notes = counts, not_mapped, notes
        del self.skipped[skipped:]

    def changes(self) -> int:
        """Return how many records were created or updated."""
        return sum(
            counts["created"] + counts["updated"] for counts in self.counts.values()
        )

    def render(self) -> list[str]:
        """Return the summary as text lines for a terminal or a log file."""
        if self.failed:
            return [f"realm {self.realm}: failed; nothing of its tenant was written"]
        if self.dry_run:
            state = "dry run, rolled back"
        elif self.committed:
            state = "committed"
        else:
            state = "not committed"
        lines = [
            f"realm {self.realm} -> tenant {self.tenant_slug} ({self.tenant_id}): "
            f"{state}",
            f"  {'entity':<20}" + "".join(f"{name:>10}" for name in OUTCOMES),
        ]
        for name in ENTITIES:
            counts = self.counts[name]
            lines.append(
                f"  {name:<20}"
                + "".join(f"{counts[outcome]:>10}" for outcome in OUTCOMES)
            )
        if self.skipped:
            lines.append(f"  skipped items ({len(self.skipped)}):")
            lines.extend(f"    {item}" for item in self.skipped)
        if self.notes:
            lines.append("  notes:")
            lines.extend(
                f"    {label}: {total}" for label, total in sorted(self.notes.items())
            )
        if self.not_mapped:
            lines.append("  not mapped (label: occurrences):")
            lines.extend(
                f"    {label}: {total}"
                for label, total in sorted(self.not_mapped.items())
            )
        return lines

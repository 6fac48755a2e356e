"""Check that the PostgreSQL consumer requirements name tests that exist.

The document lists requirements as table rows ``| ID | text | tests |``,
with tests written as `path::name` or `path::Class::name`, or the words
"not yet covered". It also maps every conformance module to requirement
ids. Tests are resolved by reading the named file, not by importing it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "postgres-durable-store-consumer-requirements.md"
CONFORMANCE = ROOT / "ue_store" / "testing" / "conformance"
NOT_COVERED = "not yet covered"

REQUIREMENT_ROW = re.compile(r"^\| ([A-Z]{2,4}-\d+) \|(.*)\|(.*)\|\s*$")
TEST_REFERENCE = re.compile(r"`([\w/.]+\.py)::([\w:]+)`")
MODULE_ROW = re.compile(r"^\| `(\w+\.py)` \| ([A-Z0-9, -]+) \|\s*$")


def _text() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def _requirements() -> dict[str, str]:
    """Return each requirement id with its tests column."""
    rows = {}
    for line in _text().splitlines():
        match = REQUIREMENT_ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"requirement {match.group(1)} repeated"
            rows[match.group(1)] = match.group(3)
    return rows


def _test_exists(path: str, name: str) -> bool:
    """Return whether ``path`` defines ``name``: a test, a class or ``Class::method``.

    A method of a test class that inherits the conformance suite is found in
    the suite's modules.
    """
    file = ROOT / path
    if not file.is_file():
        return False
    source = file.read_text(encoding="utf-8")
    parts = name.split("::")
    if len(parts) == 1:
        # A bare name is a test function, or a test class named on its own.
        pattern = rf"^(def {re.escape(parts[0])}\(|class {re.escape(parts[0])}\b)"
        return re.search(pattern, source, re.M) is not None
    class_name, method = parts
    match = re.search(
        rf"^class {re.escape(class_name)}\b.*?(?=^class |\Z)", source, re.M | re.S
    )
    if match is None:
        return False
    pattern = rf"^    def {re.escape(method)}\("
    if re.search(pattern, match.group(0), re.M):
        return True
    if "ConformanceSuite" in match.group(0).splitlines()[0]:
        suite = "\n".join(
            f.read_text(encoding="utf-8") for f in CONFORMANCE.glob("*.py")
        )
        return re.search(pattern, suite, re.M) is not None
    return False


def test_requirements__found_in_document() -> None:
    assert len(_requirements()) >= 30


def test_requirements__each_names_tests_or_gap() -> None:
    for requirement, tests in _requirements().items():
        named = TEST_REFERENCE.findall(tests)
        assert named or NOT_COVERED in tests, f"{requirement} names no test"


def test_requirements__named_tests_exist() -> None:
    references = TEST_REFERENCE.findall(_text())
    assert references
    missing = [
        f"{path}::{name}" for path, name in references if not _test_exists(path, name)
    ]
    assert missing == []


def test_conformance_map__covers_every_module() -> None:
    known = set(_requirements())
    mapped = {}
    for line in _text().splitlines():
        match = MODULE_ROW.match(line)
        if match:
            mapped[match.group(1)] = [
                item.strip() for item in match.group(2).split(",")
            ]
    modules = {
        path.name for path in CONFORMANCE.glob("*.py") if path.name != "__init__.py"
    }
    assert sorted(modules - set(mapped)) == []
    assert sorted(set(mapped) - modules) == []
    for module, ids in mapped.items():
        unknown = [item for item in ids if item not in known]
        assert unknown == [], f"{module} maps to unknown requirement ids"

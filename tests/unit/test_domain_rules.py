"""Input rules, normalisation and cursors of the domain package."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ue_store.domain import ValidationError, ValueType, rules
from ue_store.domain import pagination as cursors
from ue_store.domain.changes import describe
from ue_store.domain.entities import CatalogAttribute, ProfileValue, User, UserStatus
from ue_store.domain.profile import check_value


@given(st.text(max_size=40))
def test_normalise_key__is_idempotent(text: str) -> None:
    key = rules.normalise_key(text)
    assert rules.normalise_key(key) == key


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Ada@Example.COM", "ada@example.com"),
        (
            unicodedata.normalize("NFC", "zoë@example.com"),
            unicodedata.normalize("NFD", "zoë@example.com"),
        ),
        ("ａｄａ@ｅｘａｍｐｌｅ.com", "ada@example.com"),
        ("STRASSE@example.com", "straße@example.com"),
    ],
)
def test_normalise_key__equates_forms(left: str, right: str) -> None:
    assert rules.normalise_key(left) == rules.normalise_key(right)


def test_check_email__rejects_key_grown_past_column() -> None:
    # U+FDFA expands to 18 characters under NFKC.
    local = "\ufdfa" * 60
    with pytest.raises(ValidationError) as caught:
        rules.check_email("primary_email", f"{local}@example.com")
    assert caught.value.field == "primary_email"
    assert "after normalisation" in caught.value.rule


def test_check_email__keeps_value_when_key_grows_but_fits() -> None:
    value = "ß" * 200 + "@example.com"
    checked, key = rules.check_email("primary_email", value)
    assert checked == value
    assert key.startswith("ss" * 200)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("a\x00b", "NUL"),
        ("a\x07b", "control"),
        ("", "empty"),
        ("   ", "blank"),
        ("é" * (rules.NAME_MAX_LENGTH + 1), "at most"),
        (42, "string"),
    ],
)
def test_check_name__rejects_bad_text(value: object, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        rules.check_name("display_name", value)
    assert caught.value.field == "display_name"
    assert rule in caught.value.rule


def test_check_name__counts_characters_not_bytes() -> None:
    value = "é" * rules.NAME_MAX_LENGTH
    assert rules.check_name("display_name", value) == value


def test_check_aware__rejects_naive_datetime() -> None:
    with pytest.raises(ValidationError) as caught:
        rules.check_aware("seen_at", datetime(2026, 1, 1))
    assert caught.value.rule == "must be timezone-aware"


@pytest.mark.parametrize(
    "document",
    [{"a": "x\x00"}, {"a\x00": 1}, {"a": float("nan")}, {"a": [float("inf")]}, {1: 2}],
)
def test_check_json__rejects_what_jsonb_cannot_store(document: object) -> None:
    with pytest.raises(ValidationError) as caught:
        rules.check_json("metadata", document)
    assert caught.value.field == "metadata"


def test_time_cursor__round_trips() -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
    record_id = uuid.uuid4()
    token = cursors.encode_time_cursor(moment, record_id)
    assert cursors.decode_time_cursor(token) == (moment, record_id)


@pytest.mark.parametrize("token", ["", "!!!", "bm90IGpzb24", "WzEsMiwzXQ", "x" * 600])
def test_time_cursor__rejects_garbage(token: str) -> None:
    with pytest.raises(ValidationError) as caught:
        cursors.decode_time_cursor(token)
    assert caught.value.field == "cursor"


def _attribute(**overrides: object) -> CatalogAttribute:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    values: dict[str, object] = {
        "tenant_id": uuid.uuid4(),
        "id": uuid.uuid4(),
        "application_id": None,
        "key": "nickname",
        "value_type": ValueType.STRING,
        "required": False,
        "allowed_values": (),
        "max_length": 5,
        "sensitive": False,
        "created_at": moment,
        "updated_at": moment,
        "version": 1,
    }
    values.update(overrides)
    return CatalogAttribute(**values)  # type: ignore[arg-type]


def test_check_value__keeps_empty_string_distinct() -> None:
    assert check_value(_attribute(), "") == ""


def test_check_value__rejects_empty_when_required() -> None:
    with pytest.raises(ValidationError):
        check_value(_attribute(required=True), "")


@pytest.mark.parametrize(
    ("value_type", "value", "expected"),
    [
        (ValueType.INTEGER, 7, 7),
        (ValueType.BOOLEAN, False, False),
        (ValueType.DATE, date(2000, 2, 29), date(2000, 2, 29)),
        (ValueType.STRING_LIST, ["a", "b"], ("a", "b")),
    ],
)
def test_check_value__accepts_each_type(
    value_type: ValueType, value: object, expected: object
) -> None:
    attribute = _attribute(value_type=value_type, max_length=None)
    assert check_value(attribute, value) == expected


@pytest.mark.parametrize(
    ("value_type", "value"),
    [
        (ValueType.INTEGER, True),
        (ValueType.INTEGER, 2**63),
        (ValueType.BOOLEAN, 1),
        (ValueType.DATE, datetime(2000, 1, 1, tzinfo=UTC)),
        (ValueType.STRING_LIST, "ab"),
        (ValueType.STRING, "toolong"),
    ],
)
def test_check_value__rejects_wrong_type(value_type: ValueType, value: object) -> None:
    max_length = 5 if value_type is ValueType.STRING else None
    attribute = _attribute(value_type=value_type, max_length=max_length)
    with pytest.raises(ValidationError) as caught:
        check_value(attribute, value)
    assert caught.value.field == "profile value nickname"


def test_describe__leaves_personal_data_out_of_audit_details() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    user = User(
        tenant_id=uuid.uuid4(),
        id=uuid.uuid4(),
        display_name="Imogen Invented",
        primary_email="imogen@example.com",
        status=UserStatus.ACTIVE,
        created_at=moment,
        updated_at=moment,
        version=1,
    )
    change = describe("created", user, ["display_name", "primary_email"])
    assert change.action == "user.created"
    assert change.details == {
        "fields": ["display_name", "primary_email"],
        "status": "active",
    }
    assert change.payload["primary_email"] == "imogen@example.com"


def test_describe__redacts_sensitive_profile_value() -> None:
    value = ProfileValue(
        tenant_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        attribute_id=uuid.uuid4(),
        value="1990-01-02",
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        version=1,
    )
    change = describe("set", value, ["value"], sensitive=True)
    assert "value" not in change.payload
    assert change.payload["value_redacted"] is True

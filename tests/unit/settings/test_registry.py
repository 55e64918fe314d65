"""The typed half of the settings registry: coercion of values from JSON and from command lines,
refusals that name the allowed range, aliases, searching, and the consistency of every
registered definition."""
from __future__ import annotations

import pytest

from provisioning.errors import InvalidInput, NotFound
from provisioning.settings import REGISTRY, Setting, SettingType, define, lookup, matching


def _setting(kind: SettingType, **options: object) -> Setting:
    return Setting(id="test.value", type=kind, default=None, purpose="a test setting", **options)  # type: ignore[arg-type]


def _refusal(setting: Setting, value: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        setting.coerce(value)
    assert caught.value.field == setting.id
    return caught.value.message


@pytest.mark.parametrize(("given", "expected"), [
    (True, True), (False, False), ("yes", True), ("ON", True), (" true ", True), ("1", True),
    ("no", False), ("off", False), ("False", False), ("0", False),
])
def test_bool_accepts_the_usual_spellings(given: object, expected: bool) -> None:
    assert _setting(SettingType.BOOL).coerce(given) is expected


@pytest.mark.parametrize("given", ["maybe", "", 1, None, "tru"])
def test_bool_refuses_anything_else_naming_true_or_false(given: object) -> None:
    assert "expected true or false" in _refusal(_setting(SettingType.BOOL), given)


def test_int_within_range() -> None:
    setting = _setting(SettingType.INT, minimum=1, maximum=10)
    assert setting.coerce("7") == 7
    assert setting.coerce(" 10 ") == 10
    assert setting.coerce(1) == 1


@pytest.mark.parametrize("given", ["0", 11, "1.5", "ten", True, 2.0, None])
def test_int_refusals_name_the_range(given: object) -> None:
    setting = _setting(SettingType.INT, minimum=1, maximum=10)
    assert "expected an integer from 1 to 10" in _refusal(setting, given)


def test_int_range_descriptions() -> None:
    assert _setting(SettingType.INT, minimum=0).allowed == "an integer of at least 0"
    assert _setting(SettingType.INT, maximum=5).allowed == "an integer of at most 5"
    assert _setting(SettingType.INT).allowed == "an integer"


def test_choice_is_case_insensitive_and_refuses_outsiders() -> None:
    setting = _setting(SettingType.CHOICE, choices=("filesystem", "database"))
    assert setting.coerce(" Database ") == "database"
    assert "expected one of filesystem, database" in _refusal(setting, "tape")
    assert "one of filesystem, database" in _refusal(setting, 1)


def test_list_from_a_command_line_and_from_json() -> None:
    setting = _setting(SettingType.LIST, max_length=10)
    assert setting.coerce("a, b,,c ") == ["a", "b", "c"]
    assert setting.coerce(["x", "y"]) == ["x", "y"]
    assert setting.render(["x", "y"]) == "x,y"
    assert "a list of strings" in _refusal(setting, [1, 2])
    assert "a list of strings" in _refusal(setting, ["abcdef", "ghijkl"])  # 12 characters > 10


def test_str_limits() -> None:
    setting = _setting(SettingType.STR, max_length=5)
    assert setting.coerce("hello") == "hello"
    assert "text of at most 5 characters" in _refusal(setting, "hello!")
    assert "text of at most 5" in _refusal(setting, "a\0b")
    assert "text of at most 5" in _refusal(setting, 12)


def test_secret_values_are_never_rendered() -> None:
    setting = _setting(SettingType.STR, secret=True)
    assert setting.render("hunter2") == "********"


def test_aliases_resolve_to_the_setting() -> None:
    assert lookup("auth.cram_md5") is lookup("auth.legacy_mechanisms")
    assert lookup("  AUTH.CRAM_MD5 ").id == "auth.legacy_mechanisms"


def test_unknown_settings_are_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        lookup("auth.no_such_thing")
    assert "settings help" in caught.value.message


def test_matching_searches_ids_aliases_and_purposes() -> None:
    assert "auth.legacy_mechanisms" in [s.id for s in matching("cram")]
    assert {s.id.split(".")[0] for s in matching("store.*")} == {"store"}
    assert "store.blob_backend" in [s.id for s in matching("message bodies")]
    assert matching(None) == sorted(REGISTRY.values(), key=lambda s: s.id)
    assert matching("zzz-nothing-like-this") == []


def test_define_refuses_duplicates_and_defaults_outside_their_range() -> None:
    with pytest.raises(ValueError):
        define("server.hostname", SettingType.STR, "x", "again")
    with pytest.raises(ValueError):
        define("auth.cram_md5", SettingType.BOOL, False, "an alias taken as an id")
    with pytest.raises(InvalidInput):
        define("test.bad_default", SettingType.INT, 99, "out of its own range", maximum=10)
    assert "test.bad_default" not in REGISTRY


@pytest.mark.parametrize("setting", sorted(REGISTRY.values(), key=lambda s: s.id), ids=lambda s: s.id)
def test_every_registered_setting_is_consistent(setting: Setting) -> None:
    assert setting.id == setting.id.lower() and "." in setting.id
    assert setting.purpose.strip()
    assert setting.scopes
    if setting.type is SettingType.CHOICE:
        assert setting.choices
    # The rendered default is accepted back as the same value (the CLI prints what it accepts).
    if not setting.secret:
        assert setting.coerce(setting.render(setting.default)) == setting.coerce(setting.default)

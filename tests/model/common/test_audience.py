"""One message, two readers: the command line names commands, the window names menus and buttons."""

import pytest

from model.common import i18n
from model.common.errors import UserError
from model.common.periods import Period
from model.exchange.submission import correct


@pytest.fixture
def window_words():
    i18n.set_audience(i18n.WINDOW)
    yield
    i18n.set_audience(i18n.CLI)


def refusal(store):
    plan = store.plans.get()
    with pytest.raises(UserError) as caught:
        correct(store, plan, "fengjing", Period(2024, 3), "原因", who="t")
    return caught.value.message


def test_the_command_line_keeps_its_command_words(store):
    assert i18n.audience() == i18n.CLI
    assert i18n.how_to("main.py x", "菜单 → x") == "main.py x"


def test_the_window_gets_menu_words(store, window_words):
    assert i18n.how_to("main.py x", "菜单 → x") == "菜单 → x"
    message = refusal(store)  # never submitted: nothing to correct
    assert "main.py" not in message


@pytest.mark.parametrize(
    ("words", "expected"), [(i18n.CLI, "main.py plan --unit"), (i18n.WINDOW, "导出填报模板")]
)
def test_an_unknown_field_says_where_the_fields_are_listed(store, words, expected):
    from model.entry.figures import unit_field

    i18n.set_audience(words)
    try:
        with pytest.raises(UserError) as caught:
            unit_field(store.plans.get(), "fengjing", "no_such_field")
    finally:
        i18n.set_audience(i18n.CLI)
    assert expected in caught.value.message and "no_such_field" in caught.value.message
    assert (words == i18n.WINDOW) == ("main.py" not in caught.value.message)

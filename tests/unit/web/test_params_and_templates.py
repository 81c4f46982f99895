from __future__ import annotations

from enum import StrEnum

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.web import (
    Page,
    bool_param,
    choice_param,
    int_param,
    list_param,
    object_id_param,
    page_params,
    render_template,
    str_param,
    template_variables,
)


def test_int_param() -> None:
    assert int_param(None, "limit", default=20) == 20
    assert int_param(" 7 ", "limit") == 7
    assert int_param("-3", "delta") == -3
    for bad in ("7.5", "1e3", "seven", "٣", "9" * 40):
        with pytest.raises(ValidationError, match="'limit' must be an integer") as caught:
            int_param(bad, "limit")
        assert caught.value.status == 400
    with pytest.raises(ValidationError, match="at most 100"):
        int_param("101", "limit", maximum=100)
    with pytest.raises(ValidationError, match="at least 1"):
        int_param("0", "limit", minimum=1)


def test_bool_param_refuses_what_is_neither_true_nor_false() -> None:
    assert bool_param("TRUE", "x") is True
    assert bool_param("off", "x") is False
    assert bool_param("", "x", default=True) is True
    with pytest.raises(ValidationError, match="'x' must be true or false"):
        bool_param("maybe", "x")


def test_str_choice_and_list_params() -> None:
    class Sort(StrEnum):
        NEW = "new"
        TOP = "top"

    assert str_param("  fan ", "q") == "fan"
    with pytest.raises(ValidationError, match="is required"):
        str_param(" ", "q", required=True)
    with pytest.raises(ValidationError, match="at most 3"):
        str_param("abcd", "q", max_length=3)
    with pytest.raises(ValidationError, match="control characters"):
        str_param("a\x00b", "q")
    assert choice_param("top", "sort", list(Sort)) is Sort.TOP
    with pytest.raises(ValidationError, match="one of: new, top"):
        choice_param("old", "sort", list(Sort))
    assert list_param("a, b,,c", "ids") == ["a", "b", "c"]
    with pytest.raises(ValidationError, match="more than 2"):
        list_param("a,b,c", "ids", max_items=2)


def test_object_id_and_page_params() -> None:
    from bson import ObjectId

    assert object_id_param("5f1d7f3b2c3a4b5c6d7e8f90", "id") == ObjectId("5f1d7f3b2c3a4b5c6d7e8f90")
    with pytest.raises(ValidationError, match="'id' must be an ObjectId"):
        object_id_param("nope", "id")
    assert page_params({"limit": "50", "offset": "100"}) == Page(limit=50, offset=100)
    assert page_params({}) == Page(limit=20, offset=0)
    with pytest.raises(ValidationError, match="'limit' must be at most 100"):
        page_params({"limit": "1000"})


def test_templates_fill_escape_and_refuse_holes() -> None:
    template = "Hi {{ fan.first_name }}, confirm: {{{link}}} ({{code}})"
    variables = {"fan": {"first_name": "<Ana>"}, "link": "<a href='x'>go</a>", "code": 42}
    assert render_template(template, variables) == "Hi &lt;Ana&gt;, confirm: <a href='x'>go</a> (42)"
    assert render_template("{{name}}", {"name": "<b>"}, escape_html=False) == "<b>"
    assert template_variables(template) == ["fan.first_name", "link", "code"]
    with pytest.raises(ValidationError, match=r"template variables missing: fan\.first_name, code"):
        render_template(template, {"fan": {}, "link": "x", "code": None})
    assert render_template("a{{x}}b", {}, strict=False) == "ab"

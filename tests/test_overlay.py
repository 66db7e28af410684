"""Strict OpenAPI Overlay 1.0 application (scripts/overlay.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scripts.overlay import AppliedAction, OverlayError, apply_overlay


def overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    """A 1.0.0 overlay holding ``actions``."""
    return {"overlay": "1.0.0", "info": {"title": "test", "version": "1"}, "actions": list(actions)}


def action(
    target: str, description: str = "because the test says so", **fields: Any
) -> dict[str, Any]:
    """One action; ``x_expect`` is written as ``x-expect``."""
    if "x_expect" in fields:
        fields["x-expect"] = fields.pop("x_expect")
    return {"target": target, "description": description, **fields}


def failure(document: dict[str, Any], *actions: dict[str, Any]) -> str:
    """Apply ``actions``, expect an OverlayError, and return its message."""
    with pytest.raises(OverlayError) as excinfo:
        apply_overlay(document, overlay(*actions))
    return str(excinfo.value)


def widget_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.0",
        "info": {"title": "Widgets", "version": "1", "contact": {"name": "ops", "url": "u"}},
        "tags": [{"name": "widgets"}],
        "paths": {
            "/polish": {"get": {"tags": ["a"], "summary": "p"}},
            "/buff": {"get": {"tags": ["b"], "summary": "b"}, "post": {"summary": "c"}},
        },
        "schema": {
            "properties": {
                "width": {"type": "integer"},
                "label": {"type": "string"},
                "height": {"type": "integer", "example": "50"},
            },
            "required": ["width", "label"],
        },
    }


# ---------------------------------------------------------------- update


def test_update_merges_recursively() -> None:
    document = widget_document()

    applied = apply_overlay(
        document,
        overlay(
            action(
                "$.info",
                "merge info",
                update={
                    "title": "Polished widgets",
                    "contact": {"url": "https://widgets.invalid", "email": "a@b.invalid"},
                    "x-new": [1],
                },
            )
        ),
    )

    assert applied == [AppliedAction("merge info", "$.info", 1)]
    assert document["info"] == {
        "title": "Polished widgets",  # primitive replaced
        "version": "1",  # untouched key kept
        "contact": {"name": "ops", "url": "https://widgets.invalid", "email": "a@b.invalid"},
        "x-new": [1],  # new key added
    }


def test_update_concatenates_arrays() -> None:
    document = widget_document()

    apply_overlay(document, overlay(action("$.schema", update={"required": ["height"]})))

    assert document["schema"]["required"] == ["width", "label", "height"]


def test_update_replaces_a_value_of_another_kind() -> None:
    document = widget_document()

    apply_overlay(document, overlay(action("$.schema", update={"required": {"not": "a list"}})))

    assert document["schema"]["required"] == {"not": "a list"}


def test_update_on_an_array_target_appends_the_value() -> None:
    document = widget_document()
    update = {"name": "gadgets"}

    apply_overlay(document, overlay(action("$.tags", update=update)))
    update["name"] = "changed after applying"

    assert document["tags"] == [{"name": "widgets"}, {"name": "gadgets"}]


def test_update_applies_to_every_match_and_counts_them() -> None:
    document = widget_document()

    [applied] = apply_overlay(document, overlay(action("$.paths.*.*", update={"x-seen": True})))

    assert applied.matches == 3
    assert all(op["x-seen"] is True for item in document["paths"].values() for op in item.values())


def test_update_values_are_copied_not_shared() -> None:
    document = widget_document()
    the_overlay = overlay(action("$.paths.*.get", update={"x-limits": {"max": 1}}))

    apply_overlay(document, the_overlay)
    document["paths"]["/polish"]["get"]["x-limits"]["max"] = 99

    assert document["paths"]["/buff"]["get"]["x-limits"] == {"max": 1}
    assert the_overlay["actions"][0]["update"] == {"x-limits": {"max": 1}}


def test_filter_expression_selects_matching_children_only() -> None:
    document = widget_document()

    [applied] = apply_overlay(
        document,
        overlay(
            action("$.schema.properties[?@.type == 'integer']", update={"minimum": 0}),
        ),
    )

    assert applied.matches == 2
    properties = document["schema"]["properties"]
    assert properties["width"]["minimum"] == 0
    assert properties["height"]["minimum"] == 0
    assert "minimum" not in properties["label"]


def test_actions_apply_in_order_and_see_earlier_results() -> None:
    document = widget_document()

    apply_overlay(
        document,
        overlay(
            action("$", "add", update={"x-group": {"items": []}}),
            action("$['x-group'].items", "append", update="first"),
        ),
    )

    assert document["x-group"] == {"items": ["first"]}


# ---------------------------------------------------------------- remove


def test_remove_deletes_keys_from_every_selected_object() -> None:
    document = widget_document()

    [applied] = apply_overlay(document, overlay(action("$.paths.*.get.tags", remove=True)))

    assert applied.matches == 2
    assert document["paths"]["/polish"]["get"] == {"summary": "p"}
    assert document["paths"]["/buff"]["get"] == {"summary": "b"}


def test_remove_deletes_several_array_items_in_one_action() -> None:
    document: dict[str, Any] = {
        "items": [
            {"id": 1, "drop": True},
            {"id": 2},
            {"id": 3, "drop": True},
            {"id": 4},
            {"id": 5, "drop": True},
        ]
    }

    [applied] = apply_overlay(document, overlay(action("$.items[?@.drop]", remove=True)))

    assert applied.matches == 3
    assert document["items"] == [{"id": 2}, {"id": 4}]


def test_remove_takes_out_the_selected_item_not_an_equal_one() -> None:
    document: dict[str, Any] = {"items": [{"v": 1}, {"v": 1}, {"v": 2}]}
    first = document["items"][0]
    second = document["items"][1]

    apply_overlay(document, overlay(action("$.items[1]", remove=True)))

    assert len(document["items"]) == 2
    assert document["items"][0] is first
    assert all(item is not second for item in document["items"])


def test_remove_only_when_remove_is_true() -> None:
    document = widget_document()

    message = failure(document, action("$.tags", remove="yes"))

    assert "needs 'update' or 'remove: true'" in message
    assert document["tags"] == [{"name": "widgets"}]


# ---------------------------------------------------------------- x-expect


def test_x_expect_is_a_subset_match() -> None:
    document = widget_document()

    apply_overlay(
        document,
        overlay(
            action(
                "$.info",
                x_expect={"title": "Widgets", "contact": {"name": "ops"}},
                update={"title": "New"},
            )
        ),
    )

    assert document["info"]["title"] == "New"


def test_x_expect_pins_a_primitive_before_removing_it() -> None:
    document = widget_document()

    apply_overlay(
        document,
        overlay(action("$.schema.properties.height.example", x_expect="50", remove=True)),
    )

    assert document["schema"]["properties"]["height"] == {"type": "integer"}


def test_x_expect_mismatch_fails_and_names_the_action() -> None:
    document = widget_document()

    message = failure(
        document,
        action(
            "$.info",
            "Rename the catalogue title",
            x_expect={"title": "Gadgets"},
            update={"title": "New"},
        ),
    )

    assert "action #1 ('Rename the catalogue title')" in message
    assert "no longer holds what this correction expects" in message
    assert "Gadgets" in message
    assert document["info"]["title"] == "Widgets"


def test_x_expect_missing_nested_key_fails() -> None:
    message = failure(
        widget_document(),
        action("$.info", "Needs an email", x_expect={"contact": {"email": "a"}}, update={}),
    )

    assert "Needs an email" in message


def test_x_expect_is_checked_on_every_match_before_anything_changes() -> None:
    document = widget_document()
    before = copy.deepcopy(document)

    message = failure(
        document,
        action(
            "$.paths.*.get",
            "Only for GETs tagged a",
            x_expect={"tags": ["a"]},
            update={"x-touched": True},
        ),
    )

    assert "Only for GETs tagged a" in message
    assert "/buff" in message  # the path of the node that no longer matches
    assert document == before


# ---------------------------------------------------------------- failures


def test_a_target_that_no_longer_matches_fails_loudly() -> None:
    message = failure(
        widget_document(),
        action("$.info", "first action is fine", update={"x-a": 1}),
        action("$.paths['/shine'].post", "Fix the shine operation", update={"x-b": 1}),
    )

    assert "action #2 ('Fix the shine operation')" in message
    assert "$.paths['/shine'].post" in message
    assert "no longer matches" in message


def test_a_filter_that_selects_nothing_fails() -> None:
    message = failure(
        widget_document(),
        action("$.schema.properties[?@.type == 'number']", "Numbers get a range", update={}),
    )

    assert "Numbers get a range" in message
    assert "no longer matches" in message


@pytest.mark.parametrize("version", [None, "", "1.1.0", "2.0.0", "1.0", 1.0])
def test_only_overlay_version_1_0_x_is_accepted(version: object) -> None:
    the_overlay = overlay(action("$.info", update={"x": 1}))
    if version is None:
        del the_overlay["overlay"]
    else:
        the_overlay["overlay"] = version

    with pytest.raises(OverlayError, match="unsupported overlay version"):
        apply_overlay(widget_document(), the_overlay)


@pytest.mark.parametrize("version", ["1.0.0", "1.0.1"])
def test_overlay_patch_versions_are_accepted(version: str) -> None:
    the_overlay = overlay(action("$.info", update={"x": 1})) | {"overlay": version}

    assert len(apply_overlay(widget_document(), the_overlay)) == 1


@pytest.mark.parametrize("actions", [None, [], {"target": "$"}], ids=["missing", "empty", "map"])
def test_an_overlay_without_actions_fails(actions: object) -> None:
    the_overlay = overlay()
    the_overlay["actions"] = actions

    with pytest.raises(OverlayError, match="no actions"):
        apply_overlay(widget_document(), the_overlay)


@pytest.mark.parametrize("description", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_every_action_needs_a_description(description: str | None) -> None:
    broken = {"target": "$.info", "update": {"x": 1}}
    if description is not None:
        broken["description"] = description
    document = widget_document()

    message = failure(document, action("$.info", "fine", update={"y": 1}), broken)

    assert "action #2" in message
    assert "'description'" in message


@pytest.mark.parametrize("target", [None, "info", ".info", 3], ids=str)
def test_target_must_be_a_jsonpath(target: object) -> None:
    message = failure(widget_document(), {"target": target, "description": "Bad", "update": {}})

    assert "('Bad')" in message
    assert "'target' must be a JSONPath" in message


def test_invalid_jsonpath_syntax_fails_with_the_target() -> None:
    message = failure(widget_document(), action("$.paths[?", "Broken path", update={}))

    assert "Broken path" in message
    assert "invalid target '$.paths[?'" in message


def test_action_needs_update_or_remove() -> None:
    message = failure(widget_document(), action("$.info", "Does nothing"))

    assert "('Does nothing')" in message
    assert "needs 'update' or 'remove: true'" in message


def test_update_on_a_primitive_target_fails() -> None:
    message = failure(
        widget_document(),
        action("$.info.title", "Retitle", update="New title"),
    )

    assert "('Retitle')" in message
    assert "is a str" in message
    assert "target its parent object" in message


def test_object_target_needs_an_object_update() -> None:
    message = failure(widget_document(), action("$.info", "Scalar into object", update="x"))

    assert "('Scalar into object')" in message
    assert "needs an object 'update'" in message


def test_the_document_root_cannot_be_removed() -> None:
    message = failure(widget_document(), action("$", "Remove everything", remove=True))

    assert "('Remove everything')" in message
    assert "cannot remove the document root" in message

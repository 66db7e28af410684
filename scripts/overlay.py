"""Apply an OpenAPI Overlay 1.0 document, strictly.

Semantics follow the Overlay Specification 1.0.0: ``target`` is an RFC 9535
JSONPath; ``update`` is merged recursively into each selected object
(primitives replace, arrays concatenate, objects merge) or appended to each
selected array; ``remove: true`` deletes each selected node from its parent.

Two rules are stricter than the specification, because an overlay that
silently stops applying after a vendor update is worse than a failed build:

* every action must carry a ``description`` saying why it exists;
* an action whose ``target`` selects nothing fails the build;
* an action may carry ``x-expect``: a mapping every selected node must
  contain (a subset match). It pins the vendor text a correction settles, so
  when the vendor changes that text the correction is reviewed, not re-applied
  blindly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import jsonpath

_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(Exception):
    """The overlay is malformed or one of its actions no longer applies."""


@dataclass(frozen=True)
class AppliedAction:
    """What one action did: its description and how many nodes it touched."""

    description: str
    target: str
    matches: int


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def _contains(node: Any, expected: Any) -> bool:
    """True when ``expected`` is a subset of ``node`` (recursively for mappings)."""
    if isinstance(expected, dict):
        return isinstance(node, dict) and all(
            key in node and _contains(node[key], value) for key, value in expected.items()
        )
    return bool(node == expected)


def _describe(index: int, action: dict[str, Any]) -> str:
    return f"action #{index + 1} ({action.get('description', 'no description')!r})"


def apply_overlay(document: dict[str, Any], overlay: dict[str, Any]) -> list[AppliedAction]:
    """Apply ``overlay`` to ``document`` in place; return what each action did."""
    version = str(overlay.get("overlay", ""))
    if not version.startswith("1.0."):
        raise OverlayError(f"unsupported overlay version {version!r}: expected 1.0.x")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise OverlayError("the overlay has no actions")
    return [_apply_action(document, index, action) for index, action in enumerate(actions)]


def _apply_action(document: dict[str, Any], index: int, action: dict[str, Any]) -> AppliedAction:
    where = _describe(index, action)
    target = action.get("target")
    if not isinstance(target, str) or not target.startswith("$"):
        raise OverlayError(f"{where}: 'target' must be a JSONPath starting with '$'")
    if not str(action.get("description", "")).strip():
        raise OverlayError(f"{where}: every correction must say why in 'description'")
    remove = action.get("remove", False) is True
    if not remove and "update" not in action:
        raise OverlayError(f"{where}: needs 'update' or 'remove: true'")

    matches = _select(document, target, where)
    if "x-expect" in action:
        for match in matches:
            if not _contains(match.obj, action["x-expect"]):
                raise OverlayError(
                    f"{where}: {match.path} no longer holds what this correction expects "
                    f"({action['x-expect']!r}); the vendor changed it: review this correction."
                )
    for match in matches:
        if remove:
            _remove(match, where)
        else:
            _update(match, action["update"], where)
    return AppliedAction(str(action["description"]), target, len(matches))


def _select(document: dict[str, Any], target: str, where: str) -> list[jsonpath.JSONPathMatch]:
    try:
        matches = list(_JSONPATH.finditer(target, document))
    except jsonpath.JSONPathError as exc:
        raise OverlayError(f"{where}: invalid target {target!r}: {exc}") from exc
    if not matches:
        raise OverlayError(
            f"{where}: target {target!r} no longer matches the vendor sources. "
            "The vendor changed its documents: review this correction."
        )
    return matches


def _update(match: jsonpath.JSONPathMatch, update: Any, where: str) -> None:
    if isinstance(match.obj, dict):
        if not isinstance(update, dict):
            raise OverlayError(f"{where}: an object target needs an object 'update'")
        _merge(match.obj, update)
    elif isinstance(match.obj, list):
        match.obj.append(copy.deepcopy(update))
    else:
        raise OverlayError(
            f"{where}: {match.path} is a {type(match.obj).__name__}; target its parent "
            "object to replace a primitive value"
        )


def _remove(match: jsonpath.JSONPathMatch, where: str) -> None:
    parent = match.parent
    if parent is None:
        raise OverlayError(f"{where}: cannot remove the document root")
    key = match.parts[-1]
    container = parent.obj
    if isinstance(container, dict):
        del container[key]
    elif isinstance(container, list):
        # By identity, not index: earlier removals in the same action shift indices.
        position = next(i for i, item in enumerate(container) if item is match.obj)
        del container[position]
    else:  # pragma: no cover - JSONPath only selects children of containers
        raise OverlayError(f"{where}: cannot remove from {type(container).__name__}")

"""schemathesis hooks for the run against the sandbox, which really decodes images.

schemathesis fills a ``format: binary`` field with random bytes or tiny sample files, which a
server that checks images (the sandbox, the real API) must refuse: a "valid" case would then
be answered 415 or 422 and look like a rejected valid request. These hooks put a real PNG, big
enough for every operation's limits, in place of every generated binary value. Negative cases
stay negative: schemathesis never negates a binary field (any bytes match the schema), so
only the values it generated as valid are replaced.
"""

from __future__ import annotations

import io
from typing import Any

import schemathesis
from ailab.operations import OPERATIONS
from PIL import Image
from schemathesis.transport.serialization import Binary

from contract_tests import schemathesis_hooks  # noqa: F401 - registers the shared hooks too

IMAGE_FIELDS = {
    spec.name: tuple(image.name for image in spec.images) for spec in OPERATIONS.values()
}


def _portrait_png() -> bytes:
    """A PNG just above every operation's minimum resolution (and far below every maximum)."""
    side = 1 + max(
        max(image.min_width, image.min_height)
        for spec in OPERATIONS.values()
        for image in spec.images
    )
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (180, 120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _portrait_png()


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: Any) -> Any:
    """Replace every generated binary value of an operation's image fields with :data:`PNG`."""
    body = case.body
    fields = IMAGE_FIELDS.get(case.operation.definition.raw.get("operationId", ""), ())
    if not isinstance(body, dict):
        return case
    replaced = [name for name in fields if isinstance(body.get(name), Binary | bytes)]
    for name in replaced:
        body[name] = Binary(PNG)
    if replaced:
        types = dict(case.multipart_content_types or {})
        case.multipart_content_types = {**types, **dict.fromkeys(replaced, "image/png")}
        # Editing the body makes schemathesis re-validate it on the next read, and it counts
        # any binary body as invalid: this (private) call keeps the case's generated label.
        case._sync_validated_hashes()
    return case


@schemathesis.hook
def before_add_examples(context: schemathesis.HookContext, examples: list[Any]) -> None:
    """The examples phase does not run ``map_case``: apply it to its cases too."""
    for case in examples:
        map_case(context, case)

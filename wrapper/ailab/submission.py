"""Turn validated arguments into requests built by the generated client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from ailab_api.types import File

from .errors import InvalidInputError
from .images import PreparedImage, prepare_image
from .params import form_values
from .specs import OperationSpec, QuerySpec


@dataclass(frozen=True)
class Submission:
    """A validated submit request. ``request()`` can be called once per attempt."""

    spec: OperationSpec
    images: tuple[PreparedImage, ...]
    form: dict[str, str | int | float]

    def request(self) -> dict[str, Any]:
        """Httpx request arguments from the generated client, with fresh file streams.

        A resend must upload the whole file again, so every call builds new streams from the
        bytes read once at validation time.
        """
        model: Any = self.spec.body_model
        values: dict[str, object] = {**self.spec.constants, **self.form}
        values.update({image.field: image.data for image in self.images})
        body = model.from_dict(values)
        for image in self.images:
            # from_dict makes anonymous parts; the API (and Prism) need a name and a type.
            stream = File(
                payload=BytesIO(image.data), file_name=image.file_name, mime_type=image.media_type
            )
            setattr(body, image.field, stream)
        kwargs: dict[str, Any] = self.spec.api._get_kwargs(body=body)
        return kwargs


def prepare(
    spec: OperationSpec, images: Mapping[str, object], params: Mapping[str, object]
) -> Submission:
    """Validate every argument of ``spec`` (no network); raise InvalidInputError."""
    prepared: list[PreparedImage] = []
    for field in spec.images:
        value = images.get(field.name)
        if value is None:
            if field.required:
                raise InvalidInputError(f"{spec.name}: {field.label} is required")
            continue
        prepared.append(prepare_image(value, field, spec.name))
    return Submission(spec, tuple(prepared), form_values(spec.params, params, spec.name))


def query_request(query: QuerySpec, task_id: str) -> dict[str, Any]:
    """Httpx request arguments for one task-result query, from the generated client."""
    kwargs: dict[str, Any] = query.api._get_kwargs(**{query.task_id_parameter: task_id})
    return kwargs

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.async_task_pending import AsyncTaskPending
from ...models.face_beauty_pro_task_result import FaceBeautyProTaskResult
from ...models.public_response_fields import PublicResponseFields
from ...models.smart_beauty_task_result import SmartBeautyTaskResult
from ...models.smart_skin_advanced_task_result import SmartSkinAdvancedTaskResult
from ...models.try_on_clothes_refiner_task_result import TryOnClothesRefinerTaskResult
from ...models.waist_slimming_task_result import WaistSlimmingTaskResult
from ...types import UNSET, Response


def _get_kwargs(
    *,
    task_id: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["task_id"] = task_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/common/query-async-task-result",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    AsyncTaskPending
    | FaceBeautyProTaskResult
    | SmartBeautyTaskResult
    | SmartSkinAdvancedTaskResult
    | TryOnClothesRefinerTaskResult
    | WaistSlimmingTaskResult
    | PublicResponseFields
    | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> (
            AsyncTaskPending
            | FaceBeautyProTaskResult
            | SmartBeautyTaskResult
            | SmartSkinAdvancedTaskResult
            | TryOnClothesRefinerTaskResult
            | WaistSlimmingTaskResult
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_async_task_result_type_0 = AsyncTaskPending.from_dict(data)

                return componentsschemas_async_task_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_async_task_result_type_1 = WaistSlimmingTaskResult.from_dict(data)

                return componentsschemas_async_task_result_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_async_task_result_type_2 = SmartBeautyTaskResult.from_dict(data)

                return componentsschemas_async_task_result_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_async_task_result_type_3 = FaceBeautyProTaskResult.from_dict(data)

                return componentsschemas_async_task_result_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_async_task_result_type_4 = TryOnClothesRefinerTaskResult.from_dict(data)

                return componentsschemas_async_task_result_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_async_task_result_type_5 = SmartSkinAdvancedTaskResult.from_dict(data)

            return componentsschemas_async_task_result_type_5

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = PublicResponseFields.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = PublicResponseFields.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = PublicResponseFields.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = PublicResponseFields.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = PublicResponseFields.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = PublicResponseFields.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = PublicResponseFields.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = PublicResponseFields.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = PublicResponseFields.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = PublicResponseFields.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = PublicResponseFields.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = PublicResponseFields.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    AsyncTaskPending
    | FaceBeautyProTaskResult
    | SmartBeautyTaskResult
    | SmartSkinAdvancedTaskResult
    | TryOnClothesRefinerTaskResult
    | WaistSlimmingTaskResult
    | PublicResponseFields
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    task_id: str,
) -> Response[
    AsyncTaskPending
    | FaceBeautyProTaskResult
    | SmartBeautyTaskResult
    | SmartSkinAdvancedTaskResult
    | TryOnClothesRefinerTaskResult
    | WaistSlimmingTaskResult
    | PublicResponseFields
]:
    """Querying Async Task Results

     Returns the status of an asynchronous task and, once it has completed, its result. Results remain
    queryable for 24 hours; query about every 5 seconds.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AsyncTaskPending | FaceBeautyProTaskResult | SmartBeautyTaskResult | SmartSkinAdvancedTaskResult | TryOnClothesRefinerTaskResult | WaistSlimmingTaskResult | PublicResponseFields]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    task_id: str,
) -> (
    AsyncTaskPending
    | FaceBeautyProTaskResult
    | SmartBeautyTaskResult
    | SmartSkinAdvancedTaskResult
    | TryOnClothesRefinerTaskResult
    | WaistSlimmingTaskResult
    | PublicResponseFields
    | None
):
    """Querying Async Task Results

     Returns the status of an asynchronous task and, once it has completed, its result. Results remain
    queryable for 24 hours; query about every 5 seconds.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AsyncTaskPending | FaceBeautyProTaskResult | SmartBeautyTaskResult | SmartSkinAdvancedTaskResult | TryOnClothesRefinerTaskResult | WaistSlimmingTaskResult | PublicResponseFields
    """

    return sync_detailed(
        client=client,
        task_id=task_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    task_id: str,
) -> Response[
    AsyncTaskPending
    | FaceBeautyProTaskResult
    | SmartBeautyTaskResult
    | SmartSkinAdvancedTaskResult
    | TryOnClothesRefinerTaskResult
    | WaistSlimmingTaskResult
    | PublicResponseFields
]:
    """Querying Async Task Results

     Returns the status of an asynchronous task and, once it has completed, its result. Results remain
    queryable for 24 hours; query about every 5 seconds.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AsyncTaskPending | FaceBeautyProTaskResult | SmartBeautyTaskResult | SmartSkinAdvancedTaskResult | TryOnClothesRefinerTaskResult | WaistSlimmingTaskResult | PublicResponseFields]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    task_id: str,
) -> (
    AsyncTaskPending
    | FaceBeautyProTaskResult
    | SmartBeautyTaskResult
    | SmartSkinAdvancedTaskResult
    | TryOnClothesRefinerTaskResult
    | WaistSlimmingTaskResult
    | PublicResponseFields
    | None
):
    """Querying Async Task Results

     Returns the status of an asynchronous task and, once it has completed, its result. Results remain
    queryable for 24 hours; query about every 5 seconds.

    Args:
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AsyncTaskPending | FaceBeautyProTaskResult | SmartBeautyTaskResult | SmartSkinAdvancedTaskResult | TryOnClothesRefinerTaskResult | WaistSlimmingTaskResult | PublicResponseFields
    """

    return (
        await asyncio_detailed(
            client=client,
            task_id=task_id,
        )
    ).parsed

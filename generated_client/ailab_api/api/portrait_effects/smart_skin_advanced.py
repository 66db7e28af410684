from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.public_response_fields import PublicResponseFields
from ...models.smart_skin_advanced_body import SmartSkinAdvancedBody
from ...models.task_submitted import TaskSubmitted
from ...types import Response


def _get_kwargs(
    *,
    body: SmartSkinAdvancedBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/portrait/effects/smart-skin-advanced",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PublicResponseFields | TaskSubmitted | None:
    if response.status_code == 200:
        response_200 = TaskSubmitted.from_dict(response.json())

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
) -> Response[PublicResponseFields | TaskSubmitted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SmartSkinAdvancedBody,
) -> Response[PublicResponseFields | TaskSubmitted]:
    """AI Skin Enhancement Advanced

     Advanced skin retouching with independently switchable treatments: all-in-one beautification, acne,
    spots, brightening, smoothing, pores, wrinkles, under-eye and scars.

    Args:
        body (SmartSkinAdvancedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PublicResponseFields | TaskSubmitted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SmartSkinAdvancedBody,
) -> PublicResponseFields | TaskSubmitted | None:
    """AI Skin Enhancement Advanced

     Advanced skin retouching with independently switchable treatments: all-in-one beautification, acne,
    spots, brightening, smoothing, pores, wrinkles, under-eye and scars.

    Args:
        body (SmartSkinAdvancedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PublicResponseFields | TaskSubmitted
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SmartSkinAdvancedBody,
) -> Response[PublicResponseFields | TaskSubmitted]:
    """AI Skin Enhancement Advanced

     Advanced skin retouching with independently switchable treatments: all-in-one beautification, acne,
    spots, brightening, smoothing, pores, wrinkles, under-eye and scars.

    Args:
        body (SmartSkinAdvancedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PublicResponseFields | TaskSubmitted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SmartSkinAdvancedBody,
) -> PublicResponseFields | TaskSubmitted | None:
    """AI Skin Enhancement Advanced

     Advanced skin retouching with independently switchable treatments: all-in-one beautification, acne,
    spots, brightening, smoothing, pores, wrinkles, under-eye and scars.

    Args:
        body (SmartSkinAdvancedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PublicResponseFields | TaskSubmitted
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

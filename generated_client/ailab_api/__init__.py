"""A client library for accessing AILabTools portrait retouching API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)

"""Fixtures for the contract suite: one Prism mock and one sandbox per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ailab.sandbox import RunningSandbox, SandboxConfig, running_sandbox

from contract_tests.prism import running_prism
from contract_tests.spec_model import Spec, load_spec

API_KEY = "contract-test-key"


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """Base URL of a Prism mock of openapi/ailabtools.yaml, stopped at session end."""
    with running_prism() as url:
        yield url


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    """An offline sandbox (no delays) accepting API_KEY, stopped at session end."""
    config = SandboxConfig(api_key=API_KEY, queued_seconds=0.0, processing_seconds=0.0, seed=42)
    with running_sandbox(config) as running:
        yield running


@pytest.fixture(scope="session")
def spec() -> Spec:
    """The merged spec, as the tests read it."""
    return load_spec()

"""Shared fixtures: a python-intercom client pointed at the Confab server that
sdk-tests/run.sh started (CONFAB_URL, CONFAB_TOKEN, optional CONFAB_WORKSPACE_ID)."""

import os

import pytest
from intercom import Intercom


def _require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} must be set (run sdk-tests/run.sh)", returncode=2)
    return value


@pytest.fixture(scope="session")
def base_url() -> str:
    return _require_env("CONFAB_URL")


@pytest.fixture(scope="session")
def token() -> str:
    return _require_env("CONFAB_TOKEN")


@pytest.fixture(scope="session")
def workspace_id():
    return os.environ.get("CONFAB_WORKSPACE_ID") or None


@pytest.fixture(scope="session")
def client(base_url: str, token: str) -> Intercom:
    return Intercom(token=token, base_url=base_url)

"""Test configuration: deterministic hypothesis, shared fixtures."""

import pytest
from hypothesis import HealthCheck, settings
from models import rich_programme

settings.register_profile("sirisk", deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("sirisk")


@pytest.fixture
def rich():
    return rich_programme()

"""Shared assertions for tests."""

import pytest

import sirisk as sr


def assert_spec_error(build, fragments) -> str:
    """``build()`` raises one SpecError whose message contains every fragment, and no traceback or numba internals."""
    with pytest.raises(sr.SpecError) as info:
        build()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "Traceback" not in message and "numba" not in message.lower()
    return message

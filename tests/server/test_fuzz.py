"""Fuzzing the JSON bodies of every POST route (hypothesis, bounded): the server never
answers 5xx, and an error never echoes a string of the input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serverharness import INPUT, OUTPUT, Server, error_of, iter_phi_strings

from phimask.routes import Role

FIELDS = ["text", "threshold", "style", "scope", "deidentifiedText", "messageHash", "s3Bucket", "s3Key",
          "destinationBucket", "destinationKey", "prefix", "operation", "destinationPrefix"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False), st.text(max_size=40),
                    st.sampled_from(["type", "char", "numbered", "redact", "mask", "identify", INPUT, OUTPUT,
                                     "a.png", "../x", "0" * 64, "", " "]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
BODIES = st.one_of(
    st.fixed_dictionaries({}, optional={name: JSON for name in FIELDS}),  # known fields, hostile values
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), JSON, max_size=6),
    JSON,
)
ROUTES = [("/text/mask", Role.MASK_ONLY), ("/text/phi", Role.FULL_ACCESS),
          ("/text/deidentify", Role.FULL_ACCESS), ("/text/reidentify", Role.REIDENTIFY),
          ("/image/mask", Role.MASK_ONLY), ("/batch", Role.FULL_ACCESS)]
_SAFE = {"text", "threshold", "style", "scope", "messageHash", "deidentifiedText", "s3Bucket", "s3Key",
         "destinationBucket", "destinationKey", "prefix", "operation", "destinationPrefix", "type", "char",
         "numbered", "redact", "mask", "identify", "deidentify", "number", "string", "between", "request",
         "bucket", "query", "field", "fields", "missing", "allowed", "unexpected"}


def echoed(body: Any, message: str) -> list[str]:
    """Input strings (of some length, not a field name or vocabulary word) found in ``message``."""
    return [s for s in iter_phi_strings(body)
            if len(s.strip()) >= 5 and s not in _SAFE and s in message]


@pytest.mark.parametrize(("path", "role"), ROUTES, ids=[p for p, _ in ROUTES])
def test_fuzzed_bodies_never_crash_or_echo(server: Server, path: str, role: Role) -> None:
    client = server.client(role)

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=BODIES)
    def run(body: Any) -> None:
        response = client.request("POST", path, content=json.dumps(body).encode("utf-8"))
        assert response.status_code < 500, (response.status_code, response.text)
        if response.status_code != 200:
            assert echoed(body, error_of(response)["message"]) == []

    run()


def test_fuzzed_raw_bytes_never_crash(server: Server) -> None:
    client = server.client(Role.MASK_ONLY)

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(raw=st.binary(max_size=200))
    def run(raw: bytes) -> None:
        response = client.request("POST", "/text/mask", content=raw)
        assert response.status_code < 500
        if response.status_code != 200:
            assert error_of(response)["code"] == "InvalidInput"

    run()


@pytest.mark.parametrize("path", ["/image", "/image/text", "/image/phi"])
def test_fuzzed_query_strings_never_crash_or_echo(server: Server, path: str) -> None:
    client = server.client(Role.FULL_ACCESS)
    names = st.sampled_from(["bucket", "key", "threshold"]) | st.text(min_size=1, max_size=8)

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(query=st.dictionaries(names, st.text(max_size=30) | st.sampled_from([INPUT, "a.png"]), max_size=4))
    def run(query: dict[str, str]) -> None:
        response = client.get(path, query)
        assert response.status_code < 500, response.text
        if response.status_code != 200:
            assert echoed(query, error_of(response)["message"]) == []

    run()

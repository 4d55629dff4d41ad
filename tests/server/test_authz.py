"""Authorization: the live server's answer for every route x role equals the route table of
``phimask.routes`` and the template's three managed policies (evaluated as IAM would)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from serverharness import INPUT, NOTE, OUTPUT, Server, SignedClient, error_of, png

from phimask.routes import ROUTES, Role, Route, allowed

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1"
CALLERS = [*Role, None]  # None: an unsigned request


@cache
def policy_patterns(role: Role) -> tuple[str, ...]:
    """The resources of the template's managed policy of ``role``, intrinsics resolved."""
    from samcli.yamlhelper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text("utf-8"))
    (statement,) = template["Resources"][f"{role.value}Policy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "execute-api:Invoke"
    values = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
              "PhimaskApi": "a1b2c3d4e5", "ApiStageName": "v1"}
    return tuple(re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], r["Fn::Sub"])
                 for r in statement["Resource"])


def policy_allows(role: Role, route: Route) -> bool:
    return any(fnmatchcase(f"{PREFIX}/{route.method}{route.path}", p) for p in policy_patterns(role))


def valid_request(client: SignedClient | None, server: Server, route: Route,
                  message_hash: str) -> httpx.Response:
    """A request that succeeds for a role that may call ``route``."""
    image = {"bucket": INPUT, "key": "scans/matrix.png"}
    bodies: dict[str, Any] = {
        "/image/mask": {"s3Bucket": INPUT, "s3Key": "scans/matrix.png", "destinationBucket": OUTPUT,
                        "destinationKey": "masked/matrix.png"},
        "/text/phi": {"text": NOTE}, "/text/mask": {"text": NOTE}, "/text/deidentify": {"text": NOTE},
        "/text/reidentify": {"messageHash": message_hash},
        "/batch": {"s3Bucket": INPUT, "prefix": "matrix-notes/", "operation": "mask",
                   "destinationPrefix": "matrix-masked/"},
        "/fhir/deidentify": {"resource": {"resourceType": "Patient", "name": [{"family": "Quillon"}]}},
    }
    if client is None:
        return server.http.request(route.method, server.base_url + route.path,
                                   params=image if route.method == "GET" else None,
                                   json=bodies.get(route.path))
    if route.method == "GET":
        return client.get(route.path, image)
    return client.post(route.path, bodies[route.path])


@pytest.fixture(scope="module")
def matrix(server: Server) -> dict[tuple[Route, Role | None], int]:
    """route x caller -> the status the live server answered (fake OCR for the image routes)."""
    from serverharness import fake_ocr, fake_redact

    from phimask.aws import images

    server.put(INPUT, "scans/matrix.png", png())
    server.put(INPUT, "matrix-notes/a.txt", NOTE.encode())
    full = server.client(Role.FULL_ACCESS)
    message_hash = full.post("/text/deidentify", {"text": NOTE}).json()["messageHash"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "ocr_words", fake_ocr)
        patch.setattr(images, "redact", fake_redact)
        results = {}
        for route in ROUTES:
            for role in CALLERS:
                client = server.client(role) if role is not None else None
                response = valid_request(client, server, route, message_hash)
                if response.status_code == 403:
                    code = error_of(response)["code"]
                    assert code == ("AccessDenied" if role else "MissingAuthenticationToken"), code
                results[(route, role)] = response.status_code
    return results


@pytest.mark.parametrize("role", CALLERS, ids=lambda r: r.value if r else "unsigned")
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_server_authorization_is_the_route_table_and_the_policies(
        matrix: dict[tuple[Route, Role | None], int], route: Route, role: Role | None) -> None:
    table = role is not None and allowed(role, route.method, route.path)
    policy = role is not None and policy_allows(role, route)
    served = matrix[(route, role)] == 200
    assert served == table == policy, (route, role, matrix[(route, role)])
    if not served:
        assert matrix[(route, role)] == 403


def test_print_the_matrix(matrix: dict[tuple[Route, Role | None], int], capsys: pytest.CaptureFixture[str],
                          pytestconfig: pytest.Config) -> None:
    """The auth matrix, for the record (``pytest -s -k print_the_matrix``)."""
    names = [r.value if r else "unsigned" for r in CALLERS]
    lines = ["| route | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for route in ROUTES:
        cells = []
        for role in CALLERS:
            expected = 200 if role is not None and role in route.roles else 403
            cells.append(f"{expected}/{matrix[(route, role)]}")
        lines.append(f"| {route.method} {route.path} | " + " | ".join(cells) + " |")
    if pytestconfig.getoption("capture") == "no":
        with capsys.disabled():
            print("\nexpected/actual\n" + "\n".join(lines))  # noqa: T201
    assert len(matrix) == len(ROUTES) * len(CALLERS)


def test_each_role_reaches_exactly_its_routes(matrix: dict[tuple[Route, Role | None], int]) -> None:
    assert {r.path for r in ROUTES if matrix[(r, Role.MASK_ONLY)] == 200} == {"/text/mask", "/image/mask"}
    assert {r.path for r in ROUTES if matrix[(r, Role.REIDENTIFY)] == 200} == {"/text/reidentify"}
    assert {r.path for r in ROUTES if matrix[(r, Role.FULL_ACCESS)] == 200} == \
        {r.path for r in ROUTES} - {"/text/reidentify"}


def test_denials_are_logged_with_the_role(server: Server, mask_only: SignedClient) -> None:
    response = mask_only.post("/text/deidentify", {"text": NOTE})
    assert response.status_code == 403
    record = server.access_record(response)
    assert record == {**record, "route": "/text/deidentify", "role": "MaskOnly", "status": 403,
                      "error": "AccessDenied", "method": "POST"}

"""The three managed policies of the template agree with src/phimask/routes.py, and
evaluating them as IAM would gives each role exactly its routes."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import pytest
from awsharness import load_template

from phimask.routes import ROUTES, Role, Route, allowed, routes_for

API, STAGE = "a1b2c3d4e5", "v1"
PREFIX = f"arn:aws:execute-api:us-east-1:123456789012:{API}/{STAGE}"


def resolve(arn: str) -> str:
    values = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
              "PhimaskApi": API, "ApiStageName": STAGE}
    return re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], arn)


def policy_resources(role: Role) -> list[str]:
    policy = load_template()["Resources"][f"{role.value}Policy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement == {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": statement["Resource"]}
    return [resolve(r["Fn::Sub"]) for r in statement["Resource"]]


def can_invoke(role: Role, method: str, path: str) -> bool:
    """IAM resource matching: the whole ARN against each pattern (``*``/``?`` wildcards)."""
    return any(fnmatchcase(f"{PREFIX}/{method}{path}", pattern) for pattern in policy_resources(role))


@pytest.mark.parametrize("role", list(Role))
def test_policy_resources_are_the_routes_of_the_role(role: Role) -> None:
    assert policy_resources(role) == [f"{PREFIX}/{r.method}{r.path}" for r in routes_for(role)]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_policy_evaluation_matches_the_route_table(role: Role, route: Route) -> None:
    assert can_invoke(role, route.method, route.path) == allowed(role, route.method, route.path) \
        == (role in route.roles)


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/text/phi"), ("GET", "/image/phi"), ("GET", "/image/text"), ("POST", "/text/reidentify"),
    ("GET", "/image"), ("POST", "/text/deidentify"), ("POST", "/batch"),
])
def test_mask_only_cannot_see_phi_or_where_it_was(method: str, path: str) -> None:
    assert not can_invoke(Role.MASK_ONLY, method, path)


def test_mask_only_reaches_the_mask_routes() -> None:
    assert can_invoke(Role.MASK_ONLY, "POST", "/text/mask")
    assert can_invoke(Role.MASK_ONLY, "POST", "/image/mask")


def test_reidentify_reaches_only_reidentify_and_full_access_everything_else() -> None:
    for route in ROUTES:
        is_reid = route.path == "/text/reidentify"
        assert can_invoke(Role.REIDENTIFY, route.method, route.path) == is_reid
        assert can_invoke(Role.FULL_ACCESS, route.method, route.path) == (not is_reid)


def test_a_route_is_not_a_prefix_of_another() -> None:
    # GET /image must not grant GET /image/text: IAM matches the whole ARN
    assert not any(fnmatchcase(f"{PREFIX}/GET/image/text", p) for p in [f"{PREFIX}/GET/image"])
    assert allowed(Role.FULL_ACCESS, "get", "/image") and not allowed(Role.MASK_ONLY, "GET", "/image/text/")


def test_policies_are_outputs() -> None:
    outputs = load_template()["Outputs"]
    for role in Role:
        assert outputs[f"{role.value}PolicyArn"]["Value"] == {"Ref": f"{role.value}Policy"}

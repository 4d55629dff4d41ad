"""Server settings fail loudly; the local store keeps keys inside their bucket."""

from __future__ import annotations

from pathlib import Path

import pytest

from phimask.errors import InputError
from phimask.server.config import ServerConfig, ServerConfigError
from phimask.server.credentials import Credentials
from phimask.server.store import LocalStore

NO_KEYS = Credentials("us-east-1", {})


@pytest.mark.parametrize(("buckets", "output", "message"), [
    ({"Bad_Name"}, "Bad_Name", "bucket names"),
    (set(), "phimask-output", "bucket names"),
    ({"phimask-input"}, "phimask-output", "output bucket"),
])
def test_bad_settings_are_refused(tmp_path: Path, buckets: set[str], output: str, message: str) -> None:
    with pytest.raises(ServerConfigError, match=message):
        ServerConfig(NO_KEYS, tmp_path, tmp_path / "b", frozenset(buckets), output)


def test_threshold_is_checked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="threshold"):
        ServerConfig(NO_KEYS, tmp_path, tmp_path / "b", threshold=2.0)


def test_store_writes_atomically_and_lists_keys_in_order(tmp_path: Path) -> None:
    store = LocalStore(tmp_path, {"bucket-a"})
    assert store.write("bucket-a", "x/2.txt", b"two", "text/plain") == "s3://bucket-a/x/2.txt"
    store.write("bucket-a", "x/1.txt", b"one", "text/plain")
    store.write("bucket-a", "y/3.txt", b"three", "text/plain")
    assert list(store.keys("bucket-a", "x/")) == ["x/1.txt", "x/2.txt"]
    assert store.read("bucket-a", "x/1.txt", 10) == b"one"
    assert store.head_bytes("bucket-a", "y/3.txt", 2) == b"th"
    assert [p.name for p in (tmp_path / "bucket-a" / "x").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("key", ["../other/x", "/abs", "a/../../x", "", "a\\b", "."])
def test_store_refuses_keys_outside_the_bucket(tmp_path: Path, key: str) -> None:
    store = LocalStore(tmp_path, {"bucket-a"})
    with pytest.raises(InputError):
        store.write("bucket-a", key, b"x", "text/plain")
    assert not (tmp_path / "other").exists()


def test_default_policy_must_exist_and_applies_to_requests_naming_none(tmp_path: Path) -> None:
    from phimask.aws.payloads import parse_text_request
    from phimask.aws.settings import ConfigError, Settings
    from phimask.policy import PolicyError

    with pytest.raises(PolicyError, match="no policy named"):
        ServerConfig(NO_KEYS, tmp_path, tmp_path / "b", policy="no-such-policy")
    with pytest.raises(ConfigError, match="PHIMASK_POLICY"):
        Settings.from_env({"PHIMASK_POLICY": "../etc/passwd"})
    assert Settings.from_env({"PHIMASK_POLICY": "safe-harbor"}).policy == "safe-harbor"
    event = {"operation": "mask", "body": {"text": "Seen 3/14/2019."}}
    assert parse_text_request(event, 0.5, "safe-harbor").policy == "safe-harbor"
    assert parse_text_request(event, 0.5, "safe-harbor").threshold is None  # the policy's
    named = {"operation": "mask", "body": {"text": "Seen 3/14/2019.", "policy": "default", "threshold": 0.7}}
    assert (parse_text_request(named, 0.5, "safe-harbor").policy,
            parse_text_request(named, 0.5, "safe-harbor").threshold) == ("default", 0.7)

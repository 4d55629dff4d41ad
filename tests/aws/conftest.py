"""Fixtures of the AWS tests (defined in awsharness.py, a uniquely named module)."""

from awsharness import aws_env, cloud

__all__ = ["aws_env", "cloud"]

"""Policy as data: per-type operations and thresholds, allow/deny lists, a default scope.

``resolve_policy(ref)`` finds a shipped or user policy by name or path; ``apply_policy``
runs its operations over detected entities; ``Policy.detector`` applies its thresholds
and lists. The file format is documented in docs/policy.md; the schema is schema.json.
"""

from phimask.policy.load import PolicyError, load_policy, parse_policy, resolve_policy, shipped_policy_names
from phimask.policy.model import OPERATIONS, Policy, TypeRule

__all__ = ["OPERATIONS", "Policy", "PolicyError", "TypeRule", "load_policy", "parse_policy", "resolve_policy",
           "shipped_policy_names"]

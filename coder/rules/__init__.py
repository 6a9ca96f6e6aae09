"""The offline rule-based coder (registered as "rules")."""

from .coder import RuleCoder

__all__ = ["RuleCoder"]

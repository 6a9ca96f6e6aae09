"""What every coder is: a function from a document to a coded document.

The batch runner, the CLI and the regression checks pick a coder by name from
this registry and never import a coder module directly, so coders stay
independent of each other and of the tools that drive them.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

from .codebook.model import Codebook
from .models import CodedDocument, Document


@runtime_checkable
class Coder(Protocol):
    name: str

    def code(self, document: Document) -> CodedDocument:
        """Code one document. Failures are returned as status='failed' records, not raised."""
        ...


@runtime_checkable
class AsyncCoder(Protocol):
    name: str

    async def acode(self, document: Document) -> CodedDocument:
        ...


# name -> "module:factory"; the factory is called as factory(codebook, **options).
REGISTRY: dict[str, str] = {
    "rules": "coder.rules:RuleCoder",
    "llm": "coder.llm:LLMCoder",
}


class UnknownCoder(ValueError):
    pass


def make_coder(name: str, codebook: Codebook, **options: Any) -> Coder:
    target = REGISTRY.get(name)
    if target is None:
        raise UnknownCoder(f"unknown coder '{name}'; expected one of: {', '.join(sorted(REGISTRY))}")
    module_name, factory_name = target.split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    return factory(codebook, **options)

"""Safe YAML loading that remembers where every value came from.

Codebook authors edit YAML by hand; an error that says "field 'goods' has a bad
type" without a line number sends them hunting. So every mapping and list we
load keeps the file, line and column of each of its entries, and errors raised
later (by pydantic, by cross-reference checks) are translated back to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import CodebookInvalid


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class MarkedDict(dict[Any, Any]):
    """A dict that knows where it and each of its keys/values sit in the source."""

    mark: Mark
    key_marks: dict[Any, Mark]
    value_marks: dict[Any, Mark]


class MarkedList(list[Any]):
    mark: Mark
    item_marks: list[Mark]


def _mark(node: yaml.Node, file: str) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


class DuplicateKeyError(CodebookInvalid, ValueError):
    def __init__(self, key: Any, mark: Mark, first: Mark):
        super().__init__(f"{mark}: duplicate key '{key}' (first defined at line {first.line})")
        self.mark = mark


class _Marking:
    """Loader mix-in that builds MarkedDict/MarkedList and refuses duplicate keys."""

    source_name = "<string>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> MarkedDict:
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        result = MarkedDict()
        result.mark = _mark(node, self.source_name)
        result.key_marks = {}
        result.value_marks = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            if key in result.key_marks:
                raise DuplicateKeyError(key, _mark(key_node, self.source_name), result.key_marks[key])
            result[key] = self.construct_object(value_node, deep=True)  # type: ignore[attr-defined]
            result.key_marks[key] = _mark(key_node, self.source_name)
            result.value_marks[key] = _mark(value_node, self.source_name)
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> MarkedList:
        result = MarkedList(self.construct_object(child, deep=True) for child in node.value)  # type: ignore[attr-defined]
        result.mark = _mark(node, self.source_name)
        result.item_marks = [_mark(child, self.source_name) for child in node.value]
        return result


class _MarkingLoader(_Marking, yaml.SafeLoader):
    """The pure-Python parser: its error messages and marks are the ones codebook authors see."""


# libyaml parses a codebook ~8x faster (most of `coder code`'s start-up). Its error texts differ
# from PyYAML's, so it is used only for input it accepts; anything it rejects is parsed again by
# the pure-Python loader, whose message (and line number) is the one reported.
_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _CMarkingLoader(_Marking, yaml.CSafeLoader):
        pass

    _FastLoader = _CMarkingLoader

_loader: Any
for _loader in (_MarkingLoader, _FastLoader):
    if _loader is not None:
        _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _loader.construct_mapping)
        _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _loader.construct_sequence)


class YamlSyntaxError(CodebookInvalid, ValueError):
    def __init__(self, message: str, mark: Mark):
        super().__init__(f"{mark}: {message}")
        self.mark = mark


_REJECTED = object()


def _fast(text: str, source_name: str) -> Any:
    """The data as libyaml reads it, or _REJECTED when it complains in any way."""
    assert _FastLoader is not None
    try:
        fast = _FastLoader(text)
    except Exception:  # noqa: BLE001 - the pure-Python loader words the complaint
        return _REJECTED
    fast.source_name = source_name
    try:
        return fast.get_single_data()
    except Exception:  # noqa: BLE001 - the pure-Python loader words the complaint
        return _REJECTED
    finally:
        fast.dispose()


def load_marked(text: str, source_name: str) -> Any:
    """Parse YAML text safely; raise YamlSyntaxError/DuplicateKeyError with a location."""
    loader = _MarkingLoader(text)  # its reader refuses characters YAML does not allow, as before
    loader.source_name = source_name
    try:
        # libyaml takes a tab as a separator where PyYAML rejects it: text with tabs stays on PyYAML.
        if _FastLoader is not None and "\t" not in text:
            data = _fast(text, source_name)
            if data is not _REJECTED:
                return data
        return loader.get_single_data()
    except DuplicateKeyError:
        raise
    except yaml.MarkedYAMLError as exc:
        problem_mark = exc.problem_mark or exc.context_mark
        mark = (
            Mark(source_name, problem_mark.line + 1, problem_mark.column + 1)
            if problem_mark
            else Mark(source_name, 1, 1)
        )
        raise YamlSyntaxError(f"YAML syntax error: {exc.problem or exc}", mark) from None
    finally:
        loader.dispose()


def load_marked_file(path: Path, display_name: str | None = None) -> Any:
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(f"file is not UTF-8 ({exc.reason} at byte {exc.start})", Mark(name, 1, 1)) from None
    return load_marked(text, name)


def locate(root: Any, loc: tuple[Any, ...]) -> Mark | None:
    """Best mark for a pydantic error location path inside a marked structure.

    Walks as deep as the path goes; when the last step is a key that does not
    exist (a missing required key) the enclosing mapping's mark is returned.
    """
    node = root
    best: Mark | None = getattr(root, "mark", None)
    for step in loc:
        if isinstance(node, MarkedDict) and step in node:
            # Point at the key for scalars, at the value's own mark for containers.
            best = node.key_marks.get(step, best)
            node = node[step]
            best = getattr(node, "mark", best)
        elif isinstance(node, MarkedList) and isinstance(step, int) and 0 <= step < len(node):
            best = node.item_marks[step]
            node = node[step]
            best = getattr(node, "mark", best)
        else:
            break
    return best

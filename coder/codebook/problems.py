"""Reading one codebook file: YAML with marks, nesting and size limits, and every YAML or
validation error turned into a `Problem` that names file:line:column, the key, what was found
and what is expected (loader.py collects them for the whole codebook)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from .yamlsrc import DuplicateKeyError, Mark, MarkedDict, YamlSyntaxError, load_marked_file, locate


@dataclass(frozen=True)
class Problem:
    mark: Mark | None
    key: str
    message: str

    def __str__(self) -> str:
        where = str(self.mark) if self.mark else "<codebook>"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pydantic_problems(
    exc: ValidationError, root: Any, model: type[BaseModel] | None = None, prefix: str = ""
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(step for step in err["loc"] if not (isinstance(step, str) and "[" in step))
        key = ".".join(str(s) for s in loc)
        key = f"{prefix}.{key}" if prefix and key else (prefix or key)
        kind = err["type"]
        if kind == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'" if loc else "unknown key"
            parent = locate(root, loc[:-1])
            allowed = _allowed_keys(model, loc[:-1])
            if allowed:
                message += f"; expected one of: {', '.join(allowed)}"
            mark = _key_mark(root, loc) or parent
        elif kind == "missing":
            message = f"missing required key '{loc[-1]}'"
            mark = locate(root, loc[:-1])
        else:
            message = f"{err['msg']} (found {_describe(err.get('input'))})"
            mark = locate(root, loc)
        problems.append(Problem(mark, key, message))
    return problems


def _key_mark(root: Any, loc: tuple[Any, ...]) -> Mark | None:
    node = root
    for step in loc[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(node, MarkedDict):
        return node.key_marks.get(loc[-1])
    return None


def _allowed_keys(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts at this path, for 'expected one of' hints."""
    current: Any = model
    for step in loc:
        current = _step_into(current, step)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step_into(annotation: Any, step: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(step) if isinstance(step, str) else None
        return field.annotation if field else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    if args:  # Optional[X] and friends: follow the first model-ish branch
        for arg in args:
            found = _step_into(arg, step)
            if found is not None:
                return found
    return None


# Deeper than any codebook needs; beyond it a hand-written or generated file is a mistake (and
# nested structures recurse in the YAML composer and in validation).
MAX_DEPTH = 50
# Containers in one file, counting each use of a YAML alias: far above a real codebook (a few
# thousand), far below what nested aliases can expand to.
MAX_VALUES = 200_000


def load_yaml_file(path: Path, problems: list[Problem], expected: str) -> Any:
    """The file's data, or None with a problem recorded (an empty file is a problem, never skipped)."""
    try:
        data = load_marked_file(path)
    except YamlSyntaxError as exc:
        problems.append(_syntax_problem(path, exc))
        return None
    except DuplicateKeyError as exc:
        problems.append(Problem(exc.mark, "", str(exc).split(": ", 1)[1]))
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character, U+FFFE)
        problems.append(_reader_problem(path, exc))
        return None
    except RecursionError:
        problems.append(Problem(Mark(str(path), 1, 1), "", f"nested too deeply (more than {MAX_DEPTH} levels)"))
        return None
    except OSError as exc:
        problems.append(Problem(Mark(str(path), 1, 1), "", f"cannot read file: {exc.strerror or exc}"))
        return None
    if data is None:
        problems.append(Problem(Mark(str(path), 1, 1), "", f"the file is empty; expected {expected}"))
        return None
    deep = _too_deep(data)
    if deep is not None:
        what = (
            f"nested too deeply (more than {MAX_DEPTH} levels)"
            if deep is not data
            else f"too large: more than {MAX_VALUES:,} lists and mappings (aliases of aliases?)"
        )
        problems.append(Problem(getattr(deep, "mark", None) or Mark(str(path), 1, 1), "", what))
        return None
    return data


def _too_deep(data: Any) -> Any:
    """The first container nested deeper than MAX_DEPTH (or the root when aliases make the data
    larger than MAX_VALUES, a "billion laughs"), found without recursion; None if there is none."""
    stack = [(data, 1)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_VALUES:
            return node if depth > MAX_DEPTH else data
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return None


def _reader_problem(path: Path, exc: yaml.reader.ReaderError) -> Problem:
    try:
        before = path.read_text(encoding="utf-8")[: exc.position]
    except (OSError, UnicodeDecodeError):
        before = ""
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    return Problem(
        Mark(str(path), line, column),
        "",
        f"YAML syntax error: character U+{exc.character:04X} is not allowed in YAML (remove it)",
    )


def _syntax_problem(path: Path, exc: YamlSyntaxError) -> Problem:
    """Point at the line that holds the mistake, not where PyYAML noticed it.

    A missing ':' ("type date") or an unclosed quote makes the value run on to a
    later line, where the parser fails; the mistake is where that value starts.
    """
    message = str(exc).split(": ", 1)[1]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Problem(exc.mark, "", message)
    noticed = (exc.mark.line, exc.mark.column)
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if (token.start_mark.line + 1, token.start_mark.column + 1) >= noticed:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass  # the scanner stops at the same mistake: the tokens before it are what we need
    if last is None or last.start_mark.line + 1 >= exc.mark.line:
        return Problem(exc.mark, "", message)
    # A value on one line is the mistake only when the file's top is that lone value ("title oops"
    # above the mapping); otherwise an earlier line is fine and the parser's line is right.
    if last.end_mark.line == last.start_mark.line and "<document start>" not in message:
        return Problem(exc.mark, "", message)
    start = last.start_mark
    first = text.splitlines()[start.line].strip()
    first = first if len(first) <= 40 else first[:37] + "..."
    return Problem(
        Mark(str(path), start.line + 1, start.column + 1),
        "",
        f"{message} (noticed at line {exc.mark.line}); the mistake is likely here, in {first!r}: "
        "a missing ':' or an unclosed quote?",
    )


def validate_data(model: type[BaseModel], data: Any, path: Path, problems: list[Problem], prefix: str = "") -> Any:
    if not isinstance(data, dict):
        problems.append(
            Problem(
                Mark(str(path), 1, 1), prefix, f"expected a mapping at the top of the file, found {type(data).__name__}"
            )
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, data, model, prefix))
        return None

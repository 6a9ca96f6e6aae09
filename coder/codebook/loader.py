"""Load a codebook directory (or a single YAML file) and report every mistake.

Layout of a codebook directory:

    codebook.yaml          version, name, description, shared_fields, exclusion_rules
    event_types/*.yaml     one event type per file
    actors.yaml            actors: [...]
    places.yaml            places: [...]

Each problem becomes a `Problem` naming file:line:column, the key, what was
found and what is expected. All problems are collected before failing, so an
author fixes a file in one pass rather than one error per run.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import CodebookInvalid
from .model import Actor, Codebook, EventType, ExclusionRule, FieldSpec, Place, UncodedKind
from .vocabulary import EVENT_TYPE_PLACES, META_PLACES, expand_raw
from .yamlsrc import DuplicateKeyError, Mark, MarkedDict, YamlSyntaxError, load_marked_file, locate


@dataclass(frozen=True)
class Problem:
    mark: Mark | None
    key: str
    message: str

    def __str__(self) -> str:
        where = str(self.mark) if self.mark else "<codebook>"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class CodebookError(CodebookInvalid):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    name: str
    description: str
    shared_fields: dict[str, FieldSpec]
    exclusion_rules: list[ExclusionRule]
    uncoded_kinds: list[UncodedKind] = []
    vocabulary: dict[str, list[str]] = {}


class _Actors(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actors: list[Actor]


class _Places(BaseModel):
    model_config = ConfigDict(extra="forbid")
    places: list[Place]


def _packaged_codebook() -> Path:
    """The copy of the repository's codebook/ that the build puts inside the package (see setup.py)."""
    return Path(__file__).resolve().parents[1] / "_codebook"


def _checkout_codebook() -> Path:
    """codebook/ of the checkout the package runs from (an editable install)."""
    return Path(__file__).resolve().parents[2] / "codebook"


def default_codebook_path() -> Path:
    """$CODER_CODEBOOK, else ./codebook (`coder init` makes one), else the codebook installed with the
    package (a wheel), else the checkout's."""
    env = os.environ.get("CODER_CODEBOOK")
    if env:
        return Path(env)
    here = Path.cwd() / "codebook"
    if (here / "codebook.yaml").exists():
        return here
    # The packaged copy first: beside an installed package, ../codebook is some other folder.
    for candidate in (_packaged_codebook(), _checkout_codebook()):
        if (candidate / "codebook.yaml").exists():
            return candidate
    return _checkout_codebook()


def installed_codebook_path() -> Path:
    """The codebook that came with the package (not ./codebook): what `coder init` copies."""
    packaged = _packaged_codebook()
    return packaged if (packaged / "codebook.yaml").exists() else _checkout_codebook()


def copy_codebook(target: str | Path) -> Path:
    """Copy the installed codebook to `target` for editing; never over an existing folder's content."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(
            f"{target} already exists and is not empty; nothing copied (remove it, or give another folder)"
        )
    source = installed_codebook_path()
    if not (source / "codebook.yaml").exists():
        raise FileNotFoundError(f"no codebook installed with the package (looked in {source})")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


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


def _key_mark(root: Any, loc: tuple) -> Mark | None:
    node = root
    for step in loc[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(node, MarkedDict):
        return node.key_marks.get(loc[-1])
    return None


def _allowed_keys(model: type[BaseModel] | None, loc: tuple) -> list[str]:
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


def _load_yaml(path: Path, problems: list[Problem], expected: str) -> Any:
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


def _validate(model: type[BaseModel], data: Any, path: Path, problems: list[Problem], prefix: str = "") -> Any:
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


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.replace("’", "'").replace("-", " ").split())


def _check_names(
    kind: str, entries: list, raw: Any, name_attr: str, variants_attr: str, list_key: str, problems: list[Problem]
) -> None:
    """An alias or variant may point to one entry only, or matching is ambiguous."""
    owner: dict[str, str] = {}
    for index, entry in enumerate(entries):
        names = [getattr(entry, name_attr), *getattr(entry, variants_attr)]
        seen_here: set[str] = set()
        for name in names:
            key = _norm(name)
            if key in seen_here:
                continue
            seen_here.add(key)
            if key in owner and owner[key] != getattr(entry, name_attr):
                mark = locate(raw, (list_key, index))
                problems.append(
                    Problem(
                        mark,
                        f"{list_key}[{index}]",
                        f"{kind} name or alias '{name}' is already used by {kind} "
                        f"'{owner[key]}'; each alias must point to one {kind}",
                    )
                )
            else:
                owner[key] = getattr(entry, name_attr)


def _check_event_type(et: EventType, meta: _Meta | None, raw: Any, path: Path, problems: list[Problem]) -> None:
    shared = meta.shared_fields if meta else {}
    for name in et.fields:
        if name in shared:
            problems.append(
                Problem(
                    locate(raw, ("fields", name)),
                    f"fields.{name}",
                    "redefines a shared field; pick another name or drop it here",
                )
            )
    known = {**shared, **et.fields}
    for name in et.template_fields():
        if name not in known:
            problems.append(
                Problem(
                    locate(raw, ("notes_template",)),
                    "notes_template",
                    f"uses field '{name}' which is not defined for this type; "
                    f"expected one of: {', '.join(sorted(known))}",
                )
            )
    for index, name in enumerate(et.key_fields):
        if name not in known:
            problems.append(
                Problem(
                    locate(raw, ("key_fields", index)),
                    f"key_fields[{index}]",
                    f"field '{name}' is not defined for this type",
                )
            )
    for name, spec in et.fields.items():
        if spec.derived_from and spec.derived_from not in known and spec.derived_from != "document":
            problems.append(
                Problem(
                    locate(raw, ("fields", name, "derived_from")),
                    f"fields.{name}.derived_from",
                    f"derived from unknown field '{spec.derived_from}'; expected a field of this type or 'document'",
                )
            )
    rule_ids = {r.id for r in meta.exclusion_rules} if meta else set()
    for index, rule in enumerate(et.exclusion_rules):
        if meta and rule not in rule_ids:
            problems.append(
                Problem(
                    locate(raw, ("exclusion_rules", index)),
                    f"exclusion_rules[{index}]",
                    f"unknown exclusion rule '{rule}'; expected one of: {', '.join(sorted(rule_ids))}",
                )
            )
    _check_file_name(et, raw, path, problems)


def _check_file_name(et: EventType, raw: Any, path: Path, problems: list[Problem]) -> None:
    expected_stem = path.stem
    if path.suffix in (".yaml", ".yml") and expected_stem != et.id:
        problems.append(
            Problem(
                locate(raw, ("id",)),
                "id",
                f"event type id '{et.id}' differs from its file name '{path.name}'; name the file {et.id}.yaml",
            )
        )


def _vocabulary(raw_meta: Any, problems: list[Problem]) -> dict[str, list[str]]:
    """codebook.yaml's `vocabulary:` (name -> word list), read before anything that refers to it."""
    found = raw_meta.get("vocabulary") if isinstance(raw_meta, dict) else None
    if found is None:
        return {}
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(w, str) and w for w in v)
        for k, v in found.items()
    ):
        problems.append(
            Problem(
                locate(raw_meta, ("vocabulary",)),
                "vocabulary",
                "expected a mapping of names to non-empty lists of words or patterns",
            )
        )
        return {}
    return {k: list(v) for k, v in found.items()}


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and check a codebook directory; raise CodebookError listing every problem."""
    root = Path(path) if path is not None else default_codebook_path()
    problems: list[Problem] = []
    if not root.exists():
        raise CodebookError(
            [Problem(None, "", f"codebook not found at {root} (expected a directory with codebook.yaml)")]
        )
    if root.is_file():
        raise CodebookError(
            [
                Problem(
                    Mark(str(root), 1, 1),
                    "",
                    "expected a codebook directory containing codebook.yaml, event_types/, actors.yaml and places.yaml",
                )
            ]
        )
    main_file = root / "codebook.yaml"
    raw_meta = _load_yaml(
        main_file, problems, "a mapping with version, name, description, shared_fields and exclusion_rules"
    )
    vocabulary = _vocabulary(raw_meta, problems)
    expand_raw(raw_meta, vocabulary, META_PLACES, lambda mark, where, what: problems.append(Problem(mark, where, what)))
    meta = _validate(_Meta, raw_meta, main_file, problems) if raw_meta is not None else None
    if meta:
        seen: dict[str, int] = {}
        for index, rule in enumerate(meta.exclusion_rules):
            if rule.id in seen:
                problems.append(
                    Problem(
                        locate(raw_meta, ("exclusion_rules", index)),
                        f"exclusion_rules[{index}].id",
                        f"duplicate exclusion rule id '{rule.id}'",
                    )
                )
            seen[rule.id] = index

    event_types: list[EventType] = []
    type_files = sorted((root / "event_types").glob("*.y*ml"))
    if not type_files:
        problems.append(Problem(None, "event_types", f"no event type files in {root / 'event_types'}"))
    first_file: dict[str, Path] = {}
    declared_ids: set[str] = set()
    for file in type_files:
        raw = _load_yaml(file, problems, "one event type (id, label, definition, fields, ...)")
        if raw is None:
            declared_ids.add(file.stem)
            continue
        declared_ids.add(raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else file.stem)
        # Without codebook.yaml its vocabulary is unknown: every `{name}` would be a follow-on error.
        expand_raw(
            raw,
            vocabulary,
            EVENT_TYPE_PLACES,
            (lambda mark, where, what: problems.append(Problem(mark, where, what)))
            if raw_meta is not None
            else (lambda *_: None),
        )
        et = _validate(EventType, raw, file, problems)
        if et is None:
            continue
        if et.id in first_file:
            problems.append(
                Problem(locate(raw, ("id",)), "id", f"duplicate event type id '{et.id}' (also in {first_file[et.id]})")
            )
            continue
        first_file[et.id] = file
        if meta is not None:
            # Without codebook.yaml's shared fields and rules every template and key field would be
            # reported missing: follow-on errors that bury the one mistake.
            _check_event_type(et, meta, raw, file, problems)
        else:
            _check_file_name(et, raw, file, problems)
        event_types.append(et)

    for et in event_types:
        for index, rule in enumerate(et.yields_to):
            # A type whose file failed to load is already a problem: naming it again would bury it.
            if rule.type in declared_ids and rule.type not in first_file:
                continue
            if rule.type not in first_file or rule.type == et.id:
                problems.append(
                    Problem(
                        None,
                        f"{et.id}: yields_to[{index}].type",
                        f"'{rule.type}' is not another event type; expected one of: "
                        f"{', '.join(sorted(set(first_file) - {et.id}))}",
                    )
                )

    actors_file, places_file = root / "actors.yaml", root / "places.yaml"
    raw_actors = _load_yaml(actors_file, problems, "'actors:' and a list of actors")
    actors = _validate(_Actors, raw_actors, actors_file, problems) if raw_actors is not None else None
    if actors:
        _check_names("actor", actors.actors, raw_actors, "name", "aliases", "actors", problems)
    raw_places = _load_yaml(places_file, problems, "'places:' and a list of places")
    places = _validate(_Places, raw_places, places_file, problems) if raw_places is not None else None
    if places:
        _check_names("place", places.places, raw_places, "name", "variants", "places", problems)

    if problems:
        raise CodebookError(problems)
    if meta is None or actors is None or places is None:  # every cause was recorded as a problem above
        raise CodebookError([Problem(None, "", "the codebook could not be loaded")])
    return Codebook(
        version=meta.version,
        name=meta.name,
        description=meta.description,
        shared_fields=meta.shared_fields,
        exclusion_rules=meta.exclusion_rules,
        uncoded_kinds=meta.uncoded_kinds,
        vocabulary=meta.vocabulary,
        event_types=event_types,
        actors=actors.actors,
        places=places.places,
    )


@lru_cache(maxsize=8)
def _cached(path: str, stamp: tuple) -> Codebook:
    return load_codebook(path)


def get_codebook(path: str | Path | None = None) -> Codebook:
    """load_codebook, cached until any codebook file changes (for long-lived callers)."""
    root = Path(path) if path is not None else default_codebook_path()
    files = sorted(root.rglob("*.y*ml")) if root.is_dir() else [root]
    stamp = tuple((str(f), f.stat().st_mtime_ns) for f in files if f.exists())
    return _cached(str(root.resolve()), stamp)

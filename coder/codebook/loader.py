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
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ConfigDict

from ..errors import CodebookInvalid
from .model import Actor, Codebook, EventType, ExclusionRule, FieldSpec, Place, UncodedKind
from .problems import Problem, load_yaml_file, validate_data
from .vocabulary import EVENT_TYPE_PLACES, META_PLACES, expand_raw
from .yamlsrc import Mark, locate


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


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.replace("’", "'").replace("-", " ").split())


def _check_names(
    kind: str, entries: list[Any], raw: Any, name_attr: str, variants_attr: str, list_key: str, problems: list[Problem]
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
        doer = known.get(spec.done_by) if spec.done_by else None
        if spec.done_by and (doer is None or doer.role != "actor" or spec.done_by == "actor1"):
            problems.append(
                Problem(
                    locate(raw, ("fields", name, "done_by")),
                    f"fields.{name}.done_by",
                    f"'{spec.done_by}' is not an actor field other than actor1; expected one of: "
                    + ", ".join(sorted(n for n, f in known.items() if f.role == "actor" and n != "actor1")),
                )
            )
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


def _check_route_ties(
    event_types: list[EventType], raw_of: dict[str, Any], countries: set[str], problems: list[Problem]
) -> None:
    for et in event_types:
        raw = raw_of.get(et.id)
        values = {str(v) for spec in et.fields.values() if spec.role == "enum" for v in spec.values or ()}
        for index, tie in enumerate(et.route_ties):
            for key, country in (("from", tie.from_country), ("to", tie.to_country)):
                if country not in countries:
                    problems.append(
                        Problem(
                            locate(raw, ("route_ties", index, key)),
                            f"route_ties[{index}].{key}",
                            f"'{country}' is no place's country; expected one of: {', '.join(sorted(countries))}",
                        )
                    )
            for good in tie.goods:
                if good not in values:
                    problems.append(
                        Problem(
                            locate(raw, ("route_ties", index, "goods")),
                            f"route_ties[{index}].goods",
                            f"'{good}' is no value of this type's enum fields; expected one of: "
                            f"{', '.join(sorted(values)) or '(the type has no enum field)'}",
                        )
                    )


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
    raw_meta = load_yaml_file(
        main_file, problems, "a mapping with version, name, description, shared_fields and exclusion_rules"
    )
    vocabulary = _vocabulary(raw_meta, problems)
    expand_raw(raw_meta, vocabulary, META_PLACES, lambda mark, where, what: problems.append(Problem(mark, where, what)))
    meta = validate_data(_Meta, raw_meta, main_file, problems) if raw_meta is not None else None
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
    raw_of: dict[str, Any] = {}  # each type's marked YAML, for problems found after all are read
    declared_ids: set[str] = set()
    for file in type_files:
        raw = load_yaml_file(file, problems, "one event type (id, label, definition, fields, ...)")
        if raw is None:
            declared_ids.add(file.stem)
            continue
        declared_ids.add(
            cast(str, raw.get("id")) if isinstance(raw, dict) and isinstance(raw.get("id"), str) else file.stem
        )
        # Without codebook.yaml its vocabulary is unknown: every `{name}` would be a follow-on error.
        expand_raw(
            raw,
            vocabulary,
            EVENT_TYPE_PLACES,
            (lambda mark, where, what: problems.append(Problem(mark, where, what)))
            if raw_meta is not None
            else (lambda *_: None),
        )
        et = validate_data(EventType, raw, file, problems)
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
        raw_of[et.id] = raw

    for et in event_types:
        for key, rules in (("yields_to", et.yields_to), ("carried_in", et.carried_in)):
            _check_other_types(et.id, key, [r.type for r in rules], declared_ids, first_file, problems)

    actors_file, places_file = root / "actors.yaml", root / "places.yaml"
    raw_actors = load_yaml_file(actors_file, problems, "'actors:' and a list of actors")
    actors = validate_data(_Actors, raw_actors, actors_file, problems) if raw_actors is not None else None
    if actors:
        _check_names("actor", actors.actors, raw_actors, "name", "aliases", "actors", problems)
    raw_places = load_yaml_file(places_file, problems, "'places:' and a list of places")
    places = validate_data(_Places, raw_places, places_file, problems) if raw_places is not None else None
    if places:
        _check_names("place", places.places, raw_places, "name", "variants", "places", problems)
        _check_route_ties(event_types, raw_of, {p.country for p in places.places}, problems)

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
def _cached(path: str, stamp: tuple[Any, ...]) -> Codebook:
    return load_codebook(path)


def get_codebook(path: str | Path | None = None) -> Codebook:
    """load_codebook, cached until any codebook file changes (for long-lived callers)."""
    root = Path(path) if path is not None else default_codebook_path()
    files = sorted(root.rglob("*.y*ml")) if root.is_dir() else [root]
    stamp = tuple((str(f), f.stat().st_mtime_ns) for f in files if f.exists())
    return _cached(str(root.resolve()), stamp)


def _check_other_types(
    type_id: str,
    key: str,
    named: list[str],
    declared_ids: set[str],
    first_file: dict[str, Path],
    problems: list[Problem],
) -> None:
    """Each rule of `key` names another event type that loaded."""
    for index, other in enumerate(named):
        # A type whose file failed to load is already a problem: naming it again would bury it.
        if other in declared_ids and other not in first_file:
            continue
        if other not in first_file or other == type_id:
            problems.append(
                Problem(
                    None,
                    f"{type_id}: {key}[{index}].type",
                    f"'{other}' is not another event type; expected one of: "
                    f"{', '.join(sorted(set(first_file) - {type_id}))}",
                )
            )

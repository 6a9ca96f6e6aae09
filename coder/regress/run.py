"""`coder regress`: what did this codebook change do?

Four steps, each a set of named checks: the codebook is valid and its
committed schemas fresh; every golden document is still valid; the codebook's
behavioural cases pass; the offline coder's scores on the golden set stay above
the thresholds and do not fall below the last baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..base import make_coder
from ..codebook.loader import CodebookError, load_codebook
from ..io import InputError, load_coded
from ..models import CodedDocument
from ..schema import stale_schemas
from ..validate import validate_path
from .baseline import Baseline, Thresholds, codebook_fingerprint
from .cases import CaseFileError, check_case, load_cases, run_cases
from .recorded import RecordingError, Replayer, load_recordings, record
from .report import Check


@dataclass
class RegressOptions:
    codebook_dir: Path
    golden_dir: Path
    schema_dir: Path
    thresholds: Path
    baseline: Path
    update_baseline: bool = False
    html: Path | None = None
    record_llm: dict | None = None  # LLM coder options: ask the model again for every case first


@dataclass
class RegressResult:
    checks: list[Check] = field(default_factory=list)
    changes: list[tuple[str, float | None, float, str]] = field(default_factory=list)
    gained: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok or c.skipped for c in self.checks)


def run_regress(options: RegressOptions) -> RegressResult:
    result = RegressResult()
    checks = result.checks
    try:
        codebook = load_codebook(options.codebook_dir)
    except CodebookError as exc:
        checks.append(
            Check(
                "codebook",
                "codebook is valid",
                False,
                f"{len(exc.problems)} problem(s)",
                details=[str(p) for p in exc.problems],
            )
        )
        return result
    checks.append(Check("codebook", "codebook is valid", True, f"codebook {codebook.version}"))
    stale = stale_schemas(codebook, options.schema_dir)
    checks.append(
        Check(
            "codebook",
            "committed schemas are fresh",
            not stale,
            f"stale: {', '.join(stale)}; run `coder schema` and commit schemas/" if stale else "",
        )
    )
    baseline = _load_baseline(options, checks)
    fingerprint = codebook_fingerprint(options.codebook_dir)
    if baseline is not None:
        changed = baseline.codebook_fingerprint != fingerprint
        unbumped = changed and baseline.codebook_version == codebook.version
        checks.append(
            Check(
                "codebook",
                "codebook version bumped on change",
                not unbumped,
                f"the codebook changed since the baseline but its version is still {codebook.version}; "
                "bump `version` in codebook/codebook.yaml"
                if unbumped
                else "",
            )
        )

    gold = _check_golden(options, codebook, checks)
    _check_cases(options, codebook, checks)
    if gold:
        _check_scores(options, codebook, gold, baseline, fingerprint, result)
    return result


def _load_baseline(options: RegressOptions, checks: list[Check]) -> Baseline | None:
    try:
        return Baseline.load(options.baseline)
    except ValueError as exc:
        checks.append(Check("scores", "baseline is readable", False, str(exc)))
        return None


def _check_golden(options: RegressOptions, codebook, checks: list[Check]) -> list[CodedDocument]:
    if not options.golden_dir.exists() or not any(options.golden_dir.glob("*.json")):
        checks.append(Check("golden", "golden set present", False, f"no golden documents in {options.golden_dir}"))
        return []
    _, problems = validate_path(options.golden_dir, codebook)
    by_document: dict[str, list[str]] = {}
    for problem in problems:
        by_document.setdefault(problem.where, []).append(str(problem))
    for json_file in sorted(options.golden_dir.glob("*.json")):
        found = by_document.pop(str(json_file), [])
        checks.append(
            Check(
                "golden",
                f"{json_file.stem} is valid",
                not found,
                f"{len(found)} problem(s), first: {found[0]}" if found else "",
                details=found,
            )
        )
    for where, found in by_document.items():
        checks.append(Check("golden", where, False, found[0], details=found))
    if any(not c.ok for c in checks if c.suite == "golden"):
        return []
    try:
        return load_coded(options.golden_dir)
    except InputError as exc:
        checks.append(Check("golden", "golden set loads", False, str(exc)))
        return []


def _check_cases(options: RegressOptions, codebook, checks: list[Check]) -> None:
    try:
        cases = load_cases(options.codebook_dir / "tests", codebook.type_ids)
    except CaseFileError as exc:
        checks.append(Check("behaviour", "behavioural cases load", False, str(exc)))
        return
    coder = make_coder("rules", codebook)
    for outcome in run_cases(cases, coder.code):
        case = outcome.case
        message = "; ".join(outcome.failures)
        if case.xfail and not outcome.passed:
            message = f"known gap: {case.xfail} ({message})"
        elif case.xfail:
            message = f"passes now; remove its xfail ({case.xfail})"
        checks.append(
            Check(
                "behaviour",
                case.id,
                outcome.passed,
                message,
                skipped=bool(case.xfail) and not outcome.passed,
                details=[case.where, case.text],
            )
        )
    _check_recorded(options, codebook, cases, checks)
    covered = {c for case in cases for c in case.covers}
    tested_types = {e.type for case in cases for e in (case.expect or [])} | {t for case in cases for t in case.forbid}
    for rule in codebook.exclusion_rules:
        checks.append(
            Check(
                "behaviour",
                f"exclusion rule '{rule.id}' has a case",
                rule.id in covered,
                "" if rule.id in covered else f"add a case with covers: [{rule.id}] to codebook/tests/",
            )
        )
    for type_id in codebook.type_ids:
        checks.append(
            Check(
                "behaviour",
                f"event type '{type_id}' has cases",
                type_id in tested_types,
                "" if type_id in tested_types else f"add cases for {type_id} to codebook/tests/",
            )
        )


def _check_recorded(options: RegressOptions, codebook, cases, checks: list[Check]) -> None:
    """The cases again through the LLM coder's answer path, from recorded answers."""
    tests_dir = options.codebook_dir / "tests"
    if options.record_llm is not None:
        failures = record(cases, make_coder("llm", codebook, **options.record_llm), tests_dir)
        checks.append(Check("behaviour-llm", "recording answers", not failures, "; ".join(failures[:3])))
    try:
        recordings = load_recordings(tests_dir)
    except RecordingError as exc:
        checks.append(Check("behaviour-llm", "recorded answers load", False, str(exc)))
        return
    if not recordings:
        return
    by_id = {case.id: case for case in cases}
    replayer = Replayer(codebook)
    for recording in recordings:
        case = by_id.get(recording.case_id)
        if case is None:
            checks.append(
                Check(
                    "behaviour-llm",
                    recording.case_id,
                    False,
                    f"{recording.path.name}: no case with this id in codebook/tests/; "
                    "delete the recording or restore the case",
                )
            )
            continue
        events, problems = replayer.events(case, recording)
        failures = problems or check_case(case, events)
        checks.append(
            Check(
                "behaviour-llm",
                case.id,
                not failures,
                "; ".join(failures),
                details=[str(recording.path), f"model: {recording.model}", case.text],
            )
        )


def _check_scores(options, codebook, gold, baseline, fingerprint, result: RegressResult) -> None:
    from .scoring import SEALED_SPLIT, score_offline  # the scorer is only needed for this step

    if options.update_baseline:
        # Updating is the intent to accept today's figures: nothing is compared with the old ones.
        baseline = None

    scored = score_offline(
        codebook,
        gold,
        html=options.html,
        baseline_found=baseline.found if baseline else None,
        baseline_spurious=baseline.spurious if baseline else None,
    )
    result.metrics = metrics = scored.metrics
    checks = result.checks
    thresholds = Thresholds()
    if options.thresholds.exists():
        try:
            thresholds = Thresholds.load(options.thresholds)
        except ValueError as exc:
            checks.append(Check("scores", "thresholds are readable", False, str(exc)))
    for key, minimum in sorted(thresholds.minimums.items()):
        if key not in metrics:
            checks.append(
                Check(
                    "scores",
                    f"{key} >= {minimum:.2f}",
                    False,
                    f"unknown metric '{key}'; known: {', '.join(sorted(metrics)[:12])}...",
                )
            )
            continue
        ok = metrics[key] + 1e-9 >= minimum
        checks.append(Check("scores", f"{key} >= {minimum:.2f}", ok, f"{metrics[key]:.3f}"))
    sealed_names = {doc_id: f"held-out document {n}" for n, doc_id in enumerate(sorted(scored.sealed), 1)}
    for doc_id, type_id, ok, message in scored.per_document_type:
        checks.append(Check("scores", f"{sealed_names.get(doc_id, doc_id)} / {type_id}", ok, message))
    if baseline is not None:
        tracked = sorted(set(thresholds.minimums) | {k for k in metrics if k.endswith((".f1", ".accuracy"))})
        for key in tracked:
            now = metrics.get(key)
            before = baseline.metrics.get(key)
            if now is None:
                continue
            if before is None:
                verdict = "new"
            elif now < before - thresholds.tolerance - 1e-6:  # baselines keep 6 decimals
                verdict = "DROP"
            elif now > before + 1e-6:
                verdict = "up"
            else:
                verdict = "same"
            if not key.startswith(SEALED_SPLIT + "."):  # held-out figures gate, but are not shown moving
                result.changes.append((key, before, now, verdict))
            if verdict == "DROP":
                checks.append(
                    Check(
                        "scores",
                        f"{key} not below baseline",
                        False,
                        f"{before:.3f} -> {now:.3f} (tolerance {thresholds.tolerance:.3f})",
                    )
                )
        for doc_id in sorted(set(scored.found) | set(baseline.found)):
            if doc_id in scored.sealed:
                continue  # held-out: its gains and losses show only in the split's figures
            before_set, now_set = set(baseline.found.get(doc_id, [])), set(scored.found.get(doc_id, []))
            result.gained += [f"{doc_id}: found {key}" for key in sorted(now_set - before_set)]
            result.lost += [f"{doc_id}: missed {key}" for key in sorted(before_set - now_set)]
            before_false = set(baseline.spurious.get(doc_id, []))
            now_false = set(scored.spurious.get(doc_id, []))
            result.gained += [f"{doc_id}: no longer invents {key}" for key in sorted(before_false - now_false)]
            result.lost += [f"{doc_id}: now invents {key}" for key in sorted(now_false - before_false)]
    if options.update_baseline:
        Baseline(codebook.version, fingerprint, metrics, scored.found, scored.spurious).save(options.baseline)

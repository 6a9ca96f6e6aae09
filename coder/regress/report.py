"""JUnit XML and a Markdown summary of a regression run."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


@dataclass
class Check:
    suite: str  # codebook | golden | behaviour | behaviour-llm | scores
    name: str
    ok: bool
    message: str = ""
    skipped: bool = False  # known gaps (xfail): reported, never fail the build
    details: list[str] = field(default_factory=list)


def junit_xml(checks: list[Check]) -> str:
    root = ET.Element("testsuites", name="coder regress")
    suites: dict[str, list[Check]] = {}
    for check in checks:
        suites.setdefault(check.suite, []).append(check)
    for suite_name, members in suites.items():
        failures = sum(1 for c in members if not c.ok and not c.skipped)
        skipped = sum(1 for c in members if c.skipped)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=suite_name,
            tests=str(len(members)),
            failures=str(failures),
            skipped=str(skipped),
            errors="0",
        )
        for check in members:
            case = ET.SubElement(suite, "testcase", classname=f"regress.{suite_name}", name=check.name)
            body = "\n".join([check.message, *check.details]).strip()
            if check.skipped:
                ET.SubElement(case, "skipped", message=check.message)
            elif not check.ok:
                failure = ET.SubElement(case, "failure", message=check.message)
                failure.text = body
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_summary(
    checks: list[Check], changes: list[tuple[str, float | None, float, str]], gained: list[str], lost: list[str]
) -> str:
    failed = [c for c in checks if not c.ok and not c.skipped]
    lines = [f"## coder regress: {'FAILED' if failed else 'passed'}", ""]
    counts: dict[str, list[int]] = {}
    for check in checks:
        slot = counts.setdefault(check.suite, [0, 0, 0])
        slot[0 if check.ok else 2 if check.skipped else 1] += 1
    lines += ["| suite | passed | failed | known gaps |", "|---|---:|---:|---:|"]
    for suite, (ok, bad, gaps) in counts.items():
        lines.append(f"| {suite} | {ok} | {bad} | {gaps} |")
    if failed:
        lines += ["", "### Failures", ""]
        for check in failed:
            lines.append(f"- **{_cell(check.suite)} / {_cell(check.name)}**: {_cell(check.message)}")
            lines += [f"  - {_cell(d)}" for d in check.details[:10]]
    if changes:
        lines += [
            "",
            "### Scores against the baseline",
            "",
            "| metric | baseline | now | change |",
            "|---|---:|---:|---|",
        ]
        for metric, before, now, verdict in changes:
            shown = "—" if before is None else f"{before:.3f}"
            lines.append(f"| {metric} | {shown} | {now:.3f} | {verdict} |")
    if gained or lost:
        lines += ["", "### Events gained and lost", ""]
        lines += [f"- gained: {_cell(item)}" for item in gained]
        lines += [f"- lost: {_cell(item)}" for item in lost]
    return "\n".join(lines) + "\n"

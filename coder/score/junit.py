"""A score as JUnit XML: one test case per document and event type.

A case fails when the similarity matching left a gold event of that type
unmatched (missed) or a predicted one unmatched (invented), so CI shows
exactly which document lost which event.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..models import Event
from .scorer import ScoreReport

# XML 1.0 cannot carry most control characters, even escaped; article text may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _describe(event: Event, text: str) -> str:
    parts = [
        f"{name}={event.value(name)!s}"
        for name in ("event_date", "location", "actor1")
        if event.value(name) is not None
    ]
    if event.evidence:
        quote = " ".join(text[event.evidence[0].start : event.evidence[0].end].split())
        parts.append(f'"{quote[:120]}"')
    return _NOT_XML.sub("?", ", ".join(parts) or "(no date, place, actor or evidence)")


def junit_xml(report: ScoreReport) -> str:
    type_ids = report.prepared.type_ids
    root = ET.Element("testsuites", name="coder score")
    suite = ET.SubElement(root, "testsuite", name="score")
    cases = failures = 0
    for document in report.documents():
        for type_id in type_ids:
            missed = [o.event for o in document.gold if o.type == type_id and not o.matched]
            invented = [o.event for o in document.predicted if o.type == type_id and not o.matched]
            case = ET.SubElement(suite, "testcase", classname=f"score.{_NOT_XML.sub('?', document.id)}", name=type_id)
            cases += 1
            if missed or invented:
                failures += 1
                lines = [f"missed: {_describe(e, document.text)}" for e in missed]
                lines += [f"invented: {_describe(e, document.text)}" for e in invented]
                message = f"{len(missed)} missed, {len(invented)} invented {type_id} event(s)"
                if document.prediction_missing:
                    message += " (no prediction for this document)"
                failure = ET.SubElement(case, "failure", message=message)
                failure.text = "\n".join(lines)
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

"""`coder batch` says when documents failed (exit 1, with the count) and stores a repeated event once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.base import REGISTRY
from coder.batch import run_batch
from coder.cli import app
from coder.models import CodedDocument, Event, FieldValue, Span
from coder.store import Store

from .batch_fakes import FakeCoder, register
from .test_batch import archive

runner = CliRunner()


class RepeatingCoder(FakeCoder):
    """An answer that repeats one event 2,000 times (as an LLM stuck in a loop), plus one other event."""

    name = "fake-repeat"

    def code(self, document):
        text = document.text
        start = text.index("convoy")
        one = Event(
            type="troop_movement",
            confidence=0.8,
            evidence=[Span.of(text, start, start + 6)],
            fields={"actor1": FieldValue(value="Fatemiyoun Brigade", alignment="derived")},
        )
        other = Event(
            type="troop_movement",
            confidence=0.8,
            evidence=[Span.of(text, start, start + 6)],
            fields={"actor1": FieldValue(value="Kataib Hezbollah", alignment="derived")},
        )
        events = [one.model_copy(deep=True) for _ in range(2000)] + [other]
        return CodedDocument(document=document, events=events, coder=self.info())


@pytest.fixture(autouse=True)
def fakes():
    register()
    REGISTRY["fake-repeat"] = "tests.test_batch_failures:RepeatingCoder"
    yield
    REGISTRY.pop("fake-repeat", None)


def test_batch_exits_1_with_the_count_when_documents_failed(tmp_path: Path):
    src = archive(tmp_path)  # 31 documents: 3 FAIL, 3 CRASH, 1 unreadable line
    db = tmp_path / "run.sqlite"
    result = runner.invoke(app, ["batch", str(src), "--db", str(db), "--coder", "fake", "--concurrency", "1", "-q"])
    assert result.exit_code == 1, result.output
    assert "7 of 31 documents failed; see `coder status" in result.output
    # the results are there all the same, and a rerun that fixes nothing still says so
    assert Store(db).status().ok == 24
    again = runner.invoke(app, ["batch", str(src), "--db", str(db), "--coder", "fake", "--concurrency", "1", "-q"])
    assert again.exit_code == 1 and "7 of 31 documents failed" in again.output


def test_allow_failures_opts_out(tmp_path: Path):
    src = archive(tmp_path)
    result = runner.invoke(
        app,
        [
            "batch",
            str(src),
            "--db",
            str(tmp_path / "run.sqlite"),
            "--coder",
            "fake",
            "--concurrency",
            "1",
            "-q",
            "--allow-failures",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "7 of 31 documents failed" in result.output  # still said, just not an error


def test_a_clean_run_exits_0(tmp_path: Path):
    src = tmp_path / "ok.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "A convoy arrived in Albukamal."}) + "\n")
    result = runner.invoke(app, ["batch", str(src), "--db", str(tmp_path / "run.sqlite"), "--coder", "fake", "-q"])
    assert result.exit_code == 0, result.output
    assert "failed;" not in result.output


def test_an_event_repeated_within_a_document_is_stored_once(tmp_path: Path, codebook):
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "A convoy arrived in Albukamal."}) + "\n")
    db = tmp_path / "run.sqlite"
    summary = run_batch([src], db, "fake-repeat", 1, codebook=codebook)
    assert summary.events == 2
    with Store(db, create=False) as store:
        rows = store.db.execute("SELECT data FROM events ORDER BY seq").fetchall()
    actors = [json.loads(data)["fields"]["actor1"]["value"] for (data,) in rows]
    assert actors == ["Fatemiyoun Brigade", "Kataib Hezbollah"]

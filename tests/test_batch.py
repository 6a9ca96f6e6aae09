"""run_batch and `coder batch/status`: resumable, idempotent, one bad document never stops a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.batch import run_batch
from coder.cli import app
from coder.store import Store, load_coded_documents

from .batch_fakes import register


@pytest.fixture(autouse=True)
def fakes():
    register()


def archive(tmp_path: Path, n: int = 30, name: str = "dump.jsonl") -> Path:
    lines = []
    for i in range(n):
        text = f"Report {i}. A convoy of fighters arrived in Albukamal.\nNothing else.\n"
        if i % 10 == 3:
            text = f"Report {i}. FAIL this one."
        if i % 10 == 5:
            text = f"Report {i}. CRASH the coder."
        lines.append(json.dumps({"id": f"doc{i}", "text": text, "source": "SOHR", "date": "2021-03-16"}))
    lines.insert(7, '{"text": "broken')  # broken JSON: a read failure
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    return path


def events_of(db: Path) -> list[tuple]:
    with Store(db, create=False) as store:
        return sorted(store.db.execute("SELECT doc_hash, seq, type, data FROM events").fetchall())


@pytest.mark.parametrize("concurrency", [1, 2])
def test_run_codes_everything_records_failures_and_a_rerun_skips(tmp_path: Path, codebook, concurrency: int):
    src = archive(tmp_path)
    db = tmp_path / "run.sqlite"
    first = run_batch([src], db, "fake", concurrency, codebook=codebook)
    assert first.engine == ("inline" if concurrency == 1 else "processes")
    assert (first.read, first.coded, first.failed) == (31, 30, 7)  # 3 FAIL + 3 CRASH + 1 broken line
    assert first.events == 24
    again = run_batch([src], db, "fake", concurrency, codebook=codebook, retry_failed=False)
    assert (again.coded, again.already_done, again.events) == (0, 30, 0)
    st = Store(db).status()
    assert (st.documents, st.ok, st.failed, st.pending, st.events) == (31, 24, 7, 0, 24)
    reasons = {reason for _, reason, _ in st.failures}
    assert "fake failure" in reasons and any("RuntimeError: the fake coder crashed" in r for r in reasons)
    assert any("invalid JSON" in r for r in reasons)
    docs = load_coded_documents(db)
    assert [d.document.id for d in docs][:3] == ["doc0", "doc1", "doc2"]  # reading order


def test_processes_and_inline_give_the_same_store(tmp_path: Path, codebook):
    src = archive(tmp_path)
    run_batch([src], tmp_path / "a.sqlite", "fake", 1, codebook=codebook)
    run_batch([src], tmp_path / "b.sqlite", "fake", 2, codebook=codebook)
    assert events_of(tmp_path / "a.sqlite") == events_of(tmp_path / "b.sqlite")


def test_limit_and_new_run_on_codebook_change(tmp_path: Path, codebook):
    src = archive(tmp_path)
    db = tmp_path / "run.sqlite"
    assert run_batch([src], db, "fake", 1, limit=5, codebook=codebook).read == 5
    assert run_batch([src], db, "fake", 1, limit=10, codebook=codebook).already_done == 4  # doc3 failed: retried
    bumped = codebook.model_copy(update={"version": codebook.version + "-test"})
    other = run_batch([src], db, "fake", 1, limit=3, codebook=bumped)
    assert other.run_id != 1 and other.coded == 3
    assert len(load_coded_documents(db, run_id=1)) == 9  # the 10 items hold one unreadable line


def test_async_coder_is_bounded_and_reports_tokens_and_cost(tmp_path: Path, codebook, monkeypatch):
    import coder.batch as batch_module

    made = []
    real = batch_module.make_coder
    monkeypatch.setattr(batch_module, "make_coder", lambda *a, **k: made.append(real(*a, **k)) or made[-1])
    summary = run_batch([archive(tmp_path, 40)], tmp_path / "llm.sqlite", "fake-async", 4, codebook=codebook)
    assert summary.engine == "async" and made[0].max_active == 4
    assert summary.tokens > 0 and summary.cost_usd == pytest.approx(summary.tokens * 1e-6)
    st = Store(tmp_path / "llm.sqlite").status()
    assert st.tokens == summary.tokens and st.cost_usd == pytest.approx(summary.cost_usd)


def test_cli_batch_status_and_missing_text_column(tmp_path: Path):
    runner = CliRunner()
    src = archive(tmp_path)
    db = tmp_path / "run.sqlite"
    result = runner.invoke(app, ["batch", str(src), "--db", str(db), "--coder", "fake", "--concurrency", "1", "-q"])
    assert result.exit_code == 1, result.output  # the archive holds failing documents
    assert "30 coded" in result.output and "7 of 31 documents failed" in result.output
    result = runner.invoke(app, ["status", "--db", str(db)])
    assert result.exit_code == 0
    for expected in ("documents", "31", "pending", "troop_movement", "24", "fake failure", "invalid JSON"):
        assert expected in result.output
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("id,headline\n1,hello\n")
    result = runner.invoke(app, ["batch", str(csv_path), "--db", str(db), "--text-column", "article"])
    assert result.exit_code == 2
    assert "text column 'article' not found" in result.output and "'id', 'headline'" in result.output
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1 and "no such store" in result.output

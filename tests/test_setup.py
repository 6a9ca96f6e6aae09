"""Setup outside the checkout: the codebook ships in the wheel, `coder init` copies it, batch takes dates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.codebook import default_codebook_path, load_codebook
from coder.store import load_coded_documents

from .conftest import ROOT

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "convoy_and_recruitment.txt"


def test_default_codebook_falls_back_to_the_packaged_copy(tmp_path: Path, monkeypatch):
    import coder.codebook.loader as loader

    monkeypatch.delenv("CODER_CODEBOOK", raising=False)
    monkeypatch.chdir(tmp_path)
    packaged = tmp_path / "site" / "coder" / "_codebook"
    shutil.copytree(ROOT / "codebook", packaged)
    # As installed from a wheel: no checkout above the package, only the copy inside it.
    monkeypatch.setattr(loader, "_checkout_codebook", lambda: tmp_path / "nowhere")
    monkeypatch.setattr(loader, "_packaged_codebook", lambda: packaged)
    assert default_codebook_path() == packaged


def test_init_copies_the_codebook_and_refuses_to_overwrite(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "codebook" / "codebook.yaml").exists()
    assert load_codebook(tmp_path / "codebook").version == load_codebook(ROOT / "codebook").version
    before = (tmp_path / "codebook" / "codebook.yaml").read_text()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1 and "already" in result.output
    assert (tmp_path / "codebook" / "codebook.yaml").read_text() == before
    result = runner.invoke(app, ["init", str(tmp_path / "mine")])
    assert result.exit_code == 0 and (tmp_path / "mine" / "event_types").is_dir()


def test_batch_takes_a_publication_date_and_sidecar_metadata(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "On Monday a convoy of Fatemiyoun fighters arrived in Albukamal.\n"
    (folder / "a.txt").write_text(text)
    (folder / "b.txt").write_text(text)
    (folder / "b.meta.json").write_text(json.dumps({"publication_date": "2021-03-16", "source": "SOHR"}))
    db = tmp_path / "run.sqlite"
    result = runner.invoke(app, ["batch", str(folder), "--db", str(db), "--concurrency", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert "1 document(s) have no publication date" in result.output
    dates = {d.document.id: (d.document.publication_date, d.document.source) for d in load_coded_documents(db)}
    assert str(dates["b"][0]) == "2021-03-16" and dates["b"][1] == "SOHR" and dates["a"][0] is None
    db2 = tmp_path / "run2.sqlite"
    result = runner.invoke(
        app, ["batch", str(folder), "--db", str(db2), "--concurrency", "1", "-q", "--publication-date", "2021-03-17"]
    )
    assert result.exit_code == 0, result.output
    assert "no publication date" not in result.output
    assert {str(d.document.publication_date) for d in load_coded_documents(db2)} == {"2021-03-17"}
    bad = runner.invoke(app, ["batch", str(folder), "--db", str(db2), "--publication-date", "16/03/2021"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_environment_codes_the_example(tmp_path: Path):
    """pip wheel . ; a new venv in an empty folder, the package only from the wheel; code the example."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if build.returncode != 0 and any(word in build.stderr for word in ("connection", "Connection", "resolve")):
        pytest.skip(f"cannot fetch the build backend (offline?): {build.stderr[-300:]}")
    assert build.returncode == 0, build.stderr
    wheel = next(wheels.glob("eventcoder-*.whl"))
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    # The dependencies (pydantic, typer...) come from the environment running the tests, by a plain
    # path in a .pth file: its own .pth files (the editable install of this checkout) are not run,
    # so `coder` can only come from the wheel, which is what is being checked.
    site = next((env_dir / "lib").glob("python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = env_dir / "bin" / "python"
    empty = tmp_path / "empty"
    empty.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CODER_CODEBOOK")}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
        cwd=empty,
        env=clean_env,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import coder, coder.codebook as c; print(coder.__file__); print(c.default_codebook_path())",
        ],
        capture_output=True,
        text=True,
        cwd=empty,
        env=clean_env,
    )
    module_file, codebook_dir = where.stdout.split()
    assert str(env_dir) in module_file, "the test must import the installed wheel, not the checkout"
    assert str(env_dir) in codebook_dir
    coded = subprocess.run(
        [str(env_dir / "bin" / "coder"), "code", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=empty,
        env=clean_env,
        timeout=300,
    )
    assert coded.returncode == 0, coded.stderr
    record = json.loads(coded.stdout.splitlines()[0])
    assert record["status"] == "ok" and record["events"]
    init = subprocess.run(
        [str(env_dir / "bin" / "coder"), "init"], capture_output=True, text=True, cwd=empty, env=clean_env
    )
    assert init.returncode == 0 and (empty / "codebook" / "codebook.yaml").exists(), init.stderr

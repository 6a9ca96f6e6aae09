"""Build step that ships the codebook inside the package.

The repository keeps one codebook, the top-level codebook/ (the single source
of truth, edited and reviewed there). A wheel must carry it, or an installed
`coder` finds no codebook outside the checkout; so the build copies it to
coder/_codebook/ in the build tree. Nothing is copied in the source tree, and
editable installs read the checkout's codebook/ directly.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCodebook(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = HERE / "codebook"
        if not (source / "codebook.yaml").exists():
            raise SystemExit(f"codebook/ not found at {source}: it is packaged into coder/_codebook")
        target = Path(self.build_lib) / "coder" / "_codebook"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithCodebook})

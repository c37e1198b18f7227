"""`pip install .` must work and carry policies/, web/ and the migrations inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from mailgate.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_data_and_migrations(tmp_path: Path) -> None:
    # No build isolation: hatchling is a dev dependency, and the build must not need the network.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("mailgate-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "policies").rglob("*"):
        if path.is_file():
            assert f"mailgate/_data/policies/{path.relative_to(ROOT / 'policies')}" in names
    for path in (ROOT / "web").rglob("*"):
        if path.is_file():
            assert f"mailgate/_data/web/{path.relative_to(ROOT / 'web')}" in names
    assert any(n.startswith("mailgate/migrations/versions/0001") for n in names)
    assert "mailgate/migrations/env.py" in names and "mailgate/migrations/script.py.mako" in names
    assert "mailgate/py.typed" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mailgate = mailgate.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_data_directories_resolve_in_a_checkout() -> None:
    assert data_dir("policies") == ROOT / "policies"
    assert (data_dir("web") / "README.md").is_file()

"""The load-and-fault harness (bench/soak.py, `make soak`), short: a real gunicorn, both databases, faults mid-run."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _can_run_a_private_cluster() -> str:
    """Why a private PostgreSQL cannot be started here, or '' when it can."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return "starting a private cluster as the postgres user needs root and runuser"
    return ""


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_short_soak_loses_nothing(database: str) -> None:
    args = ["--texters", "12", "--concurrency", "6", "--flood", "80", "--database", database]
    # SQLite's outage must outlast its 5 s busy timeout to reach the journal; a shorter one is only waited out.
    args += ["--stop-seconds", "3" if database == "postgres" else "7", "--freeze-seconds", "3"]
    if database == "postgres" and (reason := _can_run_a_private_cluster()):
        if os.environ.get("HOLDLINE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), *args], cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0 and "soak: PASS" in done.stdout, done.stdout + done.stderr[-3000:]
    assert "lost 0" in done.stdout and "5xx 0" in done.stdout
    journaled = next(line for line in done.stdout.splitlines() if line.startswith("journaled "))
    assert not journaled.startswith("journaled 0 "), journaled  # the faults really sent texts to the journal

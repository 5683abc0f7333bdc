"""The README quickstart runs verbatim and prints what the README says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def quickstart() -> tuple[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    (expected,) = re.findall(r"prints\n\n```text\n(.*?)```", section, re.S)
    return code, expected


def test_quickstart_runs_verbatim_and_a_second_process_sees_its_state(tmp_path: Path) -> None:
    code, expected = quickstart()
    env = {k: v for k, v in os.environ.items() if k != "MOTIVEKIT_URL"}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected
    assert (tmp_path / "motivekit.db").is_file()

    cli = subprocess.run(
        [sys.executable, "-m", "motivekit", "goals", "list", "--owner", "ada"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert re.fullmatch(
        r"g-[0-9a-f]{32}  active    2/3 per week \(\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d\)  "
        r"Review pull requests\n",
        cli.stdout,
    )

    again = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == "duplicate: True\n0 of 2, reached: False\nnow 0 of 3\n"


def test_the_audit_commands_run_verbatim_after_the_quickstart(tmp_path: Path) -> None:
    code, _ = quickstart()
    env = {k: v for k, v in os.environ.items() if k != "MOTIVEKIT_URL"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    section = README.read_text(encoding="utf-8").split("## The audit log in four commands", 1)[1]
    (block,) = re.findall(r"```console\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    commands = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    assert len(commands) == 4
    run = subprocess.run(
        ["bash", "-e", "-c", "\n".join(commands)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "ok: 4 entries, 1 checkpoint verified, latest signed size 4\n" in run.stdout
    assert run.stdout.endswith("ok: entry 2 is in example.com/motivekit at size 4\n")

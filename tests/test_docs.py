"""Every Python snippet in docs/ runs (each page's blocks in order, in a fresh folder), and
the terminal tour behind ``make tour`` runs to completion.

A page that says it is followed from an empty folder (:data:`FOLLOWED`, e.g.
docs/django.md) is run as a reader would follow it: each block whose first line names a
file (``# mysite/urls.py``, ``# mysite/settings.py, at the end``) is written there, its
``django-admin``, ``python manage.py`` and ``motivekit`` commands run, and its Python
blocks run, all in page order. Installing (``pip``, ``python -m venv``) is the test
environment's; ``runserver`` is played by the page's test client; any other command fails
the test, so no step of such a page goes untested."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = re.compile(r"```python\n(.*?)```", re.S)
PAGES = [p for p in sorted((ROOT / "docs").glob("*.md")) if SNIPPET.search(p.read_text("utf-8"))]
FOLLOWED = "tests/test_docs.py follows this page from an empty folder"
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
FILE = re.compile(r"^(?:#|\{#) (?P<path>\w[\w./-]*\.\w+)(?P<append>, at the end)?(?: #\})?$")
SETUP = (("pip",), ("python", "-m", "venv"))
"""Commands that install: the test environment has done them."""


def clean_env() -> dict[str, str]:
    left_out = {"MOTIVEKIT_URL", "DJANGO_SETTINGS_MODULE"}
    return {k: v for k, v in os.environ.items() if k not in left_out}


def _command(line: str) -> list[str] | None:
    """The argv that runs one ``$ command`` of a followed page (None: nothing to run)."""
    words = shlex.split(line.split("&&")[0])
    if any(tuple(words[: len(s)]) == s for s in SETUP):
        return None
    if words[0] == "django-admin":
        return [sys.executable, "-m", "django", *words[1:]]
    if words[:2] == ["python", "manage.py"]:
        return None if words[2] == "runserver" else [sys.executable, *words[1:]]
    if words[0] == "motivekit":
        return [sys.executable, "-m", "motivekit", *words[1:]]
    raise AssertionError(f"a followed page may not run {line!r}: say how the test runs it")


def followed_script(text: str) -> str:
    """A followed page as one Python script: its files written, commands run, Python
    blocks run, in page order."""
    steps = ["import subprocess as _subprocess", "from pathlib import Path as _Path"]
    for language, body in BLOCK.findall(text):
        named = FILE.match(body.split("\n", 1)[0])
        if named:
            path, mode = named["path"], "a" if named["append"] else "w"
            steps.append(f"_Path({path!r}).parent.mkdir(parents=True, exist_ok=True)")
            text = "\n" + body if named["append"] else body
            steps.append(f"with _Path({path!r}).open({mode!r}) as _file: _file.write({text!r})")
        elif language == "console":
            for line in body.splitlines():
                argv = _command(line[2:]) if line.startswith("$ ") else None
                if argv is not None:
                    steps.append(f"_subprocess.run({argv!r}, check=True)")
        elif language == "python":
            steps.append(body)
    return "\n".join(steps)


def page_script(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    if FOLLOWED in text:
        return followed_script(text)
    return "\n".join(SNIPPET.findall(text))


def test_there_are_pages_with_snippets() -> None:
    assert {p.name for p in PAGES} >= {
        "goals.md",
        "concepts.md",
        "storage.md",
        "errors.md",
        "rules.md",
        "django.md",
    }


def test_a_followed_page_writes_its_files_and_runs_its_commands(tmp_path: Path) -> None:
    page = (
        f"<!-- {FOLLOWED} -->\n"
        "```console\n$ pip install motivekit\n$ motivekit rules check motivation.yaml\n```\n"
        "```yaml\n# motivation.yaml\nversion: 1\n```\n"
        "```python\n# notes.txt, at the end\nsecond\n```\n"
        "```python\nprint(open('notes.txt').read().split())\n```\n"
    )
    script = followed_script(page)
    assert script.index("'rules', 'check'") < script.index("_Path('motivation.yaml').open")
    (tmp_path / "notes.txt").write_text("first")
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert run.returncode != 0  # the check ran before the design file was written
    fixed = page.replace("```console", "```yaml\n# motivation.yaml\nversion: 1\n```\n```console", 1)
    (tmp_path / "notes.txt").write_text("first")
    run = subprocess.run(
        [sys.executable, "-c", followed_script(fixed)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "ok: motivation.yaml" in run.stdout
    assert (
        run.stdout.splitlines()[-1] == "['first', '#', 'notes.txt,', 'at', 'the', 'end', 'second']"
    )
    with pytest.raises(AssertionError, match="may not run 'make demo'"):
        followed_script(f"{FOLLOWED}\n```console\n$ make demo\n```\n")


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_snippets_run(page: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", page_script(page)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def test_walkthrough_runs_from_any_directory(tmp_path: Path) -> None:
    script = ROOT / "examples" / "goals_walkthrough.py"
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "NotPermitted: only the goal's owner may pause goal" in run.stdout
    assert "journal size before: 23, after: 23" in run.stdout
    assert list(tmp_path.iterdir()) == []  # it writes next to itself, not into the cwd

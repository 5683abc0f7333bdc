"""The package layout holds: one folder per feature, and imports that go one way.

``docs/architecture.md`` draws the layers these tests enforce:

* a feature (``goals``, ``mastery``, ``impact``) never imports another feature or a
  pipeline (``_record``, ``_replay``, ``_kit``);
* the design file (``rules``) reads no feature but the goals' public value classes;
* shared top-level modules import no feature at run time (type annotations aside);
* the store knows the goals' value classes and nothing else of any feature;
* the JSON API (``motivekit.api``) is an outer layer, like an adapter: it uses motivekit's
  public names only, and nothing in the core imports it;
* the pages' logic (``motivekit.pages``) is the outermost layer, over the JSON API: it uses
  public names only, and nothing in motivekit imports it (the adapters do);
* the analysis layer (``motivekit.indices``) reads journal entries and the design file
  through public names only, and nothing in motivekit but the command line imports it;
* no module is longer than about 600 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import motivekit

PACKAGE = Path(motivekit.__file__).parent
FEATURES = ("goals", "mastery", "impact")
PIPELINES = ("motivekit._record", "motivekit._replay", "motivekit._kit")
ANALYSIS = "motivekit.indices"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, *, typing: bool = True) -> Iterator[str]:
    """Every ``motivekit`` module (and imported name) ``path`` imports; with
    ``typing=False``, leaving out imports under ``if TYPE_CHECKING:``, which never run."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if not typing and id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("motivekit"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("motivekit"):
            assert node.module is not None
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _feature_of(name: str) -> str | None:
    for feature in FEATURES:
        if _in(name, f"motivekit.{feature}"):
            return feature
    return None


def _violations(rule: str) -> list[str]:
    found = []
    for path in _modules():
        module = _module_name(path)
        runtime_only = rule == "shared"
        for imported in set(_imports(path, typing=not runtime_only)):
            if _breaks(rule, module, imported):
                found.append(f"{module} imports {imported}")
    return sorted(found)


def _breaks(rule: str, module: str, imported: str) -> bool:
    own, other = _feature_of(module), _feature_of(imported)
    if rule == "features":
        return own is not None and (
            (other is not None and other != own) or any(_in(imported, p) for p in PIPELINES)
        )
    if rule == "rules":
        if not _in(module, "motivekit.rules") or other is None:
            return False
        parts = imported.split(".")
        return other != "goals" or (len(parts) > 2 and parts[2].startswith("_"))
    if rule == "shared":
        top_level = module.count(".") == 1 and module.split(".")[1].startswith("_")
        shared = top_level and module not in PIPELINES and module != "motivekit.__main__"
        return shared and other is not None
    if rule == "store":
        return (
            _in(module, "motivekit.store")
            and other is not None
            and not _in(imported, "motivekit.goals._model")
        )
    if rule == "api":
        if _in(module, "motivekit.api"):
            outside = not _in(imported, "motivekit.api")
            return outside and any(p.startswith("_") for p in imported.split(".")[1:])
        return (
            _in(imported, "motivekit.api")
            and not _in(module, "motivekit.cli")
            and not _in(module, "motivekit.pages")
        )
    if rule == "pages":
        if _in(module, "motivekit.pages"):
            outside = not _in(imported, "motivekit.pages")
            return outside and any(p.startswith("_") for p in imported.split(".")[1:])
        return _in(imported, "motivekit.pages")
    if rule == "analysis":
        if _in(module, ANALYSIS):
            outside = not _in(imported, ANALYSIS)
            return outside and any(p.startswith("_") for p in imported.split(".")[1:])
        return _in(imported, ANALYSIS) and not _in(module, "motivekit.cli")
    raise AssertionError(rule)


@pytest.mark.parametrize(
    "rule", ["features", "rules", "shared", "store", "api", "pages", "analysis"]
)
def test_imports_go_one_way(rule: str) -> None:
    assert _violations(rule) == []


def test_the_rules_catch_a_feature_reaching_into_another(tmp_path: Path) -> None:
    # The checker itself: a module of one feature importing another's internals is found.
    assert _breaks("features", "motivekit.impact._fold", "motivekit.mastery._fold")
    assert _breaks("features", "motivekit.mastery._service", "motivekit._replay")
    assert not _breaks("features", "motivekit.impact._fold", "motivekit.impact._spec")
    assert _breaks("rules", "motivekit.rules._load", "motivekit.impact._stories")
    assert _breaks("rules", "motivekit.rules._load", "motivekit.goals._model")
    assert not _breaks("rules", "motivekit.rules._load", "motivekit.goals.GoalTemplate")
    assert _breaks("shared", "motivekit._record_helpers", "motivekit.goals._fold")
    assert not _breaks("shared", "motivekit._record", "motivekit.goals._fold")
    assert _breaks("api", "motivekit.api._views", "motivekit.goals._model")
    assert _breaks("api", "motivekit.goals._service", "motivekit.api._problems")
    assert not _breaks("api", "motivekit.api._views", "motivekit.Goal")
    assert not _breaks("api", "motivekit.api._api", "motivekit.api._routes.OPERATIONS")
    assert not _breaks("api", "motivekit.pages._person", "motivekit.api.Api")
    assert _breaks("pages", "motivekit.pages._person", "motivekit.api._problems")
    assert _breaks("pages", "motivekit.api._views", "motivekit.pages")
    assert not _breaks("pages", "motivekit.pages._person", "motivekit.pages._forms.plan")
    assert _breaks("analysis", "motivekit.indices._fold", "motivekit.goals._engine")
    assert _breaks("analysis", "motivekit.indices._fold", "motivekit._evidence")
    assert _breaks("analysis", "motivekit._kit", "motivekit.indices")
    assert not _breaks("analysis", "motivekit.indices._fold", "motivekit.Measure")
    assert not _breaks("analysis", "motivekit.indices._divergence", "motivekit.experiments")
    assert not _breaks("analysis", "motivekit.cli._report", "motivekit.indices.compute")
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import motivekit.goals\n"
        "if TYPE_CHECKING:\n    from motivekit.impact._spec import ImpactSpec\n"
        "def f():\n    from motivekit.mastery import _fold\n"
    )
    assert set(_imports(source, typing=False)) == {
        "motivekit.goals",
        "motivekit.mastery",
        "motivekit.mastery._fold",
    }
    assert "motivekit.impact._spec.ImpactSpec" in set(_imports(source))


def test_every_feature_has_its_room() -> None:
    for feature in FEATURES:
        names = {p.stem for p in (PACKAGE / feature).glob("*.py")}
        assert {"_fold", "_service"} <= names, feature
    top = {p.stem for p in PACKAGE.glob("_*.py")} - {"__init__", "__main__"}
    assert not any(_feature_of(f"motivekit.{name}") for name in top)
    assert not {"_fold", "_progress", "_explain", "_goal_service"} & top


def test_no_module_is_longer_than_about_600_lines() -> None:
    long = {
        _module_name(p): n
        for p in _modules()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}

"""The Flask extension: config keys and their errors, state per app, the Kit's lifetime."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from motivekit import ConfigError, Event, Kit
from motivekit_flask import Motivekit, current_api, current_kit
from tests._flask_apps import make_app

GOAL = {"event": "review.submitted", "count": 3, "per": "week"}


def app_with(tmp_path: Path, **config: Any) -> Flask:
    app = Flask("host", instance_path=str(tmp_path / "instance"))
    app.config.update(config)
    Motivekit(app)
    return app


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"MOTIVEKIT_DATABASE_URL": "nope://x"},
            r"^MOTIVEKIT_DATABASE_URL: 'nope://x': this release stores data in SQLite .*; set "
            r"it to such a URL, or leave it unset for a SQLite file in the instance folder$",
        ),
        (
            {"MOTIVEKIT_DATABASE_URL": "not a url"},
            r"^MOTIVEKIT_DATABASE_URL: 'not a url' is not a database URL",
        ),
        (
            {"MOTIVEKIT_DATABASE_URL": "sqlite:////no/such/folder/x.db"},
            r"^MOTIVEKIT_DATABASE_URL = 'sqlite:////no/such/folder/x.db': the folder "
            r"'/no/such/folder' of the SQLite file does not exist; create it or choose another",
        ),
        (
            {"MOTIVEKIT_DATABASE_URL": 5432},
            r"^MOTIVEKIT_DATABASE_URL must be a string, got int 5432$",
        ),
        (
            {"MOTIVEKIT_RULES": "missing.yaml"},
            r"^MOTIVEKIT_RULES = 'missing.yaml': the design file cannot be used:\n"
            r".*missing.yaml:1:1: cannot read the file: .*\n"
            r"fix the file \(`motivekit rules check .*missing.yaml` lists every problem\)",
        ),
        (
            {"MOTIVEKIT_SIGNING_KEY_FILE": "log.key"},
            r"^MOTIVEKIT_SIGNING_KEY_FILE = 'log.key': there is no key file at '.*instance/log.key'; "
            r"create one with `motivekit audit keygen <name> --out .*log.key` or unset",
        ),
        (
            {"MOTIVEKIT_TENANT": "Acme Corp"},
            r"^MOTIVEKIT_TENANT: tenant must be 1-64 characters of lowercase letters",
        ),
        (
            {"MOTIVEKIT_TENANT": "acme", "MOTIVEKIT_ORIGIN": "example.com/motivekit"},
            r"^MOTIVEKIT_ORIGIN: the origin of tenant 'acme''s log must end in '/acme'",
        ),
    ],
)
def test_a_wrong_key_stops_init_app_with_a_config_error_naming_it(
    tmp_path: Path, config: dict[str, Any], message: str
) -> None:
    app = Flask("host", instance_path=str(tmp_path / "instance"), root_path=str(tmp_path))
    app.config.update(config)
    with pytest.raises(ConfigError, match=message) as caught:
        Motivekit().init_app(app)
    assert caught.value.__cause__ is None or isinstance(caught.value.__cause__, ConfigError)
    assert "motivekit" not in app.extensions  # nothing half set up


def test_a_design_file_with_problems_lists_them_with_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "motivation.yaml").write_text("version: 1\ngoals:\n  menu: 3\n", "utf-8")
    app = Flask("host", instance_path=str(tmp_path / "instance"), root_path=str(tmp_path))
    app.config["MOTIVEKIT_RULES"] = "motivation.yaml"
    with pytest.raises(ConfigError, match=r"motivation.yaml:3:\d+: goals.menu") as caught:
        Motivekit(app)
    assert str(caught.value).startswith("MOTIVEKIT_RULES = 'motivation.yaml'")


def test_a_malformed_key_file_names_the_key_and_the_format(tmp_path: Path) -> None:
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "log.key").write_text("not a key\n", "ascii")
    app = Flask("host", instance_path=str(tmp_path / "instance"))
    app.config["MOTIVEKIT_SIGNING_KEY_FILE"] = "log.key"
    with pytest.raises(
        ConfigError,
        match=r"^MOTIVEKIT_SIGNING_KEY_FILE = 'log.key': a signing key looks like PRIVATE\+KEY",
    ):
        Motivekit(app)


def test_init_app_twice_on_one_app_is_refused(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    with pytest.raises(ConfigError, match="already initialised on app 'host'; call init_app once"):
        Motivekit(app)


def test_the_proxies_outside_an_initialised_app_say_what_to_call(tmp_path: Path) -> None:
    app = Flask("bare")
    with app.app_context(), pytest.raises(ConfigError, match=r"not initialised on app 'bare'"):
        current_kit.goals  # noqa: B018


def test_the_kit_opens_on_first_use_in_the_instance_folder_by_default(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    database = tmp_path / "instance" / "motivekit.db"
    assert not database.exists()  # init_app checks, it does not open
    with app.app_context():
        current_kit.goals.create("ada", "Review", GOAL)
    assert database.is_file()
    assert app.config["MOTIVEKIT_DATABASE_URL"] is None  # every key is set, to None


def test_a_relative_sqlite_path_is_in_the_instance_folder(tmp_path: Path) -> None:
    (tmp_path / "instance" / "data").mkdir(parents=True)
    app = app_with(tmp_path, MOTIVEKIT_DATABASE_URL="sqlite:///data/mk.db")
    with app.app_context():
        current_kit.goals.create("ada", "Review", GOAL)
    assert (tmp_path / "instance" / "data" / "mk.db").is_file()


def test_two_apps_in_one_process_keep_their_own_kits_and_data(tmp_path: Path) -> None:
    mk = Motivekit()
    apps = []
    for name in ("one", "two"):
        app = Flask(name, instance_path=str(tmp_path / name))
        mk.init_app(app)
        apps.append(app)
    one, two = apps
    with one.app_context():
        goal = current_kit.goals.create("ada", "Review", GOAL)
        current_kit.record(Event("e1", "review.submitted", "ada"))
        kit_one = current_kit._get_current_object()  # type: ignore[attr-defined]
        api_one = current_api._get_current_object()  # type: ignore[attr-defined]
    with two.app_context():
        assert current_kit.goals.list("ada") == []
        assert current_kit._get_current_object() is not kit_one  # type: ignore[attr-defined]
        assert current_api._get_current_object() is not api_one  # type: ignore[attr-defined]
    with one.app_context():
        assert current_kit.goals.get(goal.id).progress.count == 1
        assert mk.get_kit() is kit_one
    assert mk.get_kit(one) is kit_one


def test_two_apps_on_two_tenants_of_one_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    acme = app_with(tmp_path / "a", MOTIVEKIT_DATABASE_URL=url, MOTIVEKIT_TENANT="acme")
    globex = app_with(tmp_path / "g", MOTIVEKIT_DATABASE_URL=url, MOTIVEKIT_TENANT="globex")
    with acme.app_context():
        current_kit.goals.create("ada", "Review", GOAL)
        assert current_kit.tenant == "acme"
    with globex.app_context():
        assert current_kit.tenant == "globex"
        assert current_kit.goals.list("ada") == []


def test_threads_opening_the_kit_at_once_share_one(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    seen: list[int] = []
    start = threading.Barrier(8)

    def first_use() -> None:
        start.wait()
        with app.app_context():
            seen.append(id(current_kit._get_current_object()))  # type: ignore[attr-defined]

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert len(set(seen)) == 1


class CloseSpy:
    def __init__(self, kit: Kit) -> None:
        self.calls = 0
        self._close = kit.close
        kit.close = self  # type: ignore[method-assign]

    def __call__(self) -> None:
        self.calls += 1
        self._close()


def test_requests_share_the_kit_and_close_is_explicit_or_at_app_end(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    @app.get("/count")
    def count() -> dict[str, int]:
        return {"kit": id(current_kit._get_current_object())}  # type: ignore[attr-defined]

    client = app.test_client()
    ids = {client.get("/count").json["kit"] for _ in range(3)}  # type: ignore[index]
    assert len(ids) == 1
    state = app.extensions["motivekit"]
    spy = CloseSpy(state.kit)
    client.get("/count")
    assert spy.calls == 0  # not per request
    state.extension.close(app)
    assert spy.calls == 1
    with app.app_context():  # the next use opens a new Kit
        assert id(current_kit._get_current_object()) not in ids  # type: ignore[attr-defined]
        again = CloseSpy(current_kit._get_current_object())  # type: ignore[attr-defined]
    del app, state, client, count
    gc.collect()
    assert again.calls == 1  # the app went away: the Kit it opened is closed


def test_a_kit_the_host_passed_in_is_used_and_never_closed(tmp_path: Path) -> None:
    kit = Kit.open("memory://")
    spy = CloseSpy(kit)
    app = Flask("host", instance_path=str(tmp_path))
    mk = Motivekit(app, kit=kit)
    with app.app_context():
        assert current_kit._get_current_object() is kit  # type: ignore[attr-defined]
        mk.close()
        assert current_kit._get_current_object() is kit  # type: ignore[attr-defined]
    del app
    gc.collect()
    assert spy.calls == 0
    kit.close()


def test_wrong_arguments_to_the_extension_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Motivekit\(kit=...\) needs app="):
        Motivekit(kit=Kit.open("memory://"))
    with pytest.raises(ConfigError, match=r"kit must be a motivekit\.Kit, got str"):
        Motivekit(Flask("host", instance_path=str(tmp_path)), kit="memory://")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="user_loader must be a callable, got str"):
        Motivekit().user_loader("ada")  # type: ignore[type-var]


def test_the_design_file_runs_in_the_apps_kit(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.app_context():
        assert current_kit.rules_version == 1
        assert [t.id for t in current_kit.goals.menu] == ["weekly-reviews", "answer-newcomers"]
        assert [t.id for t in current_kit.mastery.tracks] == ["code-review"]

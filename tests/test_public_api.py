"""The public API: re-exported from ``motivekit``, sorted, documented."""

from __future__ import annotations

import inspect
from pathlib import Path

import motivekit
import motivekit.api
from motivekit import _errors

PUBLIC = [(motivekit, name) for name in motivekit.__all__] + [
    (motivekit.api, name) for name in motivekit.api.__all__
]


def test_all_is_sorted_and_complete() -> None:
    for module in (motivekit, motivekit.api):
        assert module.__all__ == sorted(module.__all__)
    for module, name in PUBLIC:
        assert hasattr(module, name), name


def test_the_json_api_is_its_own_outer_package() -> None:
    # motivekit.api is a layer over the Kit (the adapters' shared logic), not re-exported.
    assert motivekit.api.__all__ == [
        "Api",
        "ApiProblem",
        "ApiRequest",
        "ApiResponse",
        "ROUTES",
        "Route",
    ]
    with motivekit.Kit.open("memory://") as kit:  # adapters mount ROUTES before any Kit
        assert motivekit.api.Api(kit).routes is motivekit.api.ROUTES
    assert not set(motivekit.api.__all__) & set(motivekit.__all__)


def test_every_public_class_and_method_has_a_docstring() -> None:
    for module, name in PUBLIC:
        obj = getattr(module, name)
        if inspect.isclass(obj):
            assert obj.__doc__, name
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (
                    inspect.isfunction(member) or isinstance(member, property)
                ):
                    assert member.__doc__, f"{name}.{attr}"


def test_every_error_derives_from_the_root_and_is_exported() -> None:
    errors = [getattr(_errors, n) for n in _errors.__all__]
    for error in errors:
        assert issubclass(error, motivekit.MotivekitError)
        assert getattr(motivekit, error.__name__) is error
        assert error.__name__ in (_errors.__doc__ or ""), f"{error.__name__} missing from the tree"


def test_typed_marker_is_shipped() -> None:
    assert (Path(motivekit.__file__).parent / "py.typed").is_file()


def test_the_privacy_export_and_its_schema_are_public() -> None:
    assert motivekit.PrivacyExport is motivekit.audit.PrivacyExport
    schema_file = Path(motivekit.__file__).parent / "audit" / "privacy-export.schema.json"
    assert schema_file.is_file()  # shipped in the package, beside the code
    assert motivekit.PrivacyExport.schema()["properties"]["format"] == {
        "const": "motivekit.privacy-export/1"
    }

"""The public API: re-exported from ``motivekit``, sorted, documented."""

from __future__ import annotations

import inspect
from pathlib import Path

import motivekit
from motivekit import _errors


def test_all_is_sorted_and_complete() -> None:
    assert motivekit.__all__ == sorted(motivekit.__all__)
    for name in motivekit.__all__:
        assert hasattr(motivekit, name), name


def test_every_public_class_and_method_has_a_docstring() -> None:
    for name in motivekit.__all__:
        obj = getattr(motivekit, name)
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

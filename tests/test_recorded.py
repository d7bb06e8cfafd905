"""Results recorded before a change meant to keep behaviour (tests/record_results.py) are still
what greendc gives: every corpus file, every fault-corpus file and the demo."""

from __future__ import annotations

import json

import pytest
import record_results as recorded


def differences(old, new, where="") -> list[str]:
    """Paths at which two JSON values differ (floats compared exactly)."""
    if type(old) is not type(new):
        return [f"{where}: {old!r:.80} -> {new!r:.80}"]
    if isinstance(old, dict):
        return [d for key in sorted(set(old) | set(new), key=str)
                for d in (differences(old.get(key), new.get(key), f"{where}.{key}")
                          if key in old and key in new else [f"{where}.{key}: only in "
                                                             f"{'old' if key in old else 'new'}"])]
    if isinstance(old, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} items -> {len(new)}"]
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True))
                for d in differences(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: {old!r:.80} -> {new!r:.80}"]


def roundtrip(value):
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


@pytest.mark.parametrize("name", ["corpus", "hostile", "demo-1h",
                                  pytest.param("demo-15min", marks=pytest.mark.slow)])
def test_results_match_the_recording(name):
    new = roundtrip(recorded.recordings()[name]())
    found = differences(recorded.load(name), new)
    assert not found, "\n".join(found[:30])

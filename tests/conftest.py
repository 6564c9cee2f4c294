import sys
from pathlib import Path

# Test helpers (like mat_script) import as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

import pytest


@pytest.fixture
def closing():
    """``closing(thing, "stop")`` hands ``thing`` back and calls its ``stop``
    (``close`` by default) after the test, whatever the test did."""
    things = []

    def register(thing, method="close"):
        things.append((thing, method))
        return thing

    yield register
    for thing, method in reversed(things):
        getattr(thing, method)()

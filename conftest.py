"""Suite-wide settings: secrets kept outside data directories go to a temporary key root."""

from __future__ import annotations

import os
import shutil
import tempfile

_KEY_DIR_MADE: list[str] = []


def pytest_configure(config):
    # The audit MAC key and anchors live outside the data directory (api.security.keystore);
    # tests keep theirs out of the real ~/.config.  Child processes inherit the variable.
    if "ECOGRAPH_KEY_DIR" not in os.environ:
        key_dir = tempfile.mkdtemp(prefix="ecograph-keys-")
        _KEY_DIR_MADE.append(key_dir)
        os.environ["ECOGRAPH_KEY_DIR"] = key_dir


def pytest_unconfigure(config):
    # A key root this run made is removed with it: secrets do not outlive the tests.
    for key_dir in _KEY_DIR_MADE:
        shutil.rmtree(key_dir, ignore_errors=True)
        if os.environ.get("ECOGRAPH_KEY_DIR") == key_dir:
            del os.environ["ECOGRAPH_KEY_DIR"]
    _KEY_DIR_MADE.clear()

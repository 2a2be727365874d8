"""Suite-wide settings: secrets kept outside data directories go to a temporary key root."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config):
    # The audit MAC key and anchors live outside the data directory (api.security.keystore);
    # tests keep theirs out of the real ~/.config.  Child processes inherit the variable.
    os.environ.setdefault("ECOGRAPH_KEY_DIR", tempfile.mkdtemp(prefix="ecograph-keys-"))

"""Where an installed package's data files are (without importing the package: some take seconds)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_dir(name: str) -> Path:
    """The folder of the installed package ``name``.

    Raises:
        ImportError: the package is not installed.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])

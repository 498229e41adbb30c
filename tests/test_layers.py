"""The headless core and the CLI must never pull in the UI toolkit."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader.core
import reader.demo

CORE = sorted(
    module.name
    for package in (reader.core, reader.demo)
    for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
)


def test_core_and_cli_import_without_textual() -> None:
    modules = [*CORE, "reader.cli", "reader.config"]
    code = (
        "import sys\n"
        f"for name in {modules!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert "reader.core.store" in CORE and "reader.core.fetch.client" in CORE
    assert "reader.core.newsroom" in CORE and "reader.demo.server" in CORE

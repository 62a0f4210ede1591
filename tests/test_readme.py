"""The README's configuration table names every setting config.py lets the environment override."""

from __future__ import annotations

import re
from pathlib import Path

from config import Config

README = Path(__file__).resolve().parent.parent / "README.md"


def _documented() -> tuple[set[str], list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Configuration") : text.index("\n## ", text.index("## Configuration") + 1)]
    names = set(re.findall(r"`TIPBOARD_([A-Z0-9_]+)`", section))
    # RATE_<FORM> stands for RATE_<FORM>_ADDRESS too (the row "TIPBOARD_RATE_<FORM>_ADDRESS").
    rates = set(re.findall(r"`(RATE_[A-Z_]+)`", section))
    names |= rates | {f"{r}_ADDRESS" for r in rates}
    prefixes = re.findall(r"`TIPBOARD_([A-Z0-9_]+)\*`", section)
    return names, prefixes


def test_every_setting_is_in_the_configuration_table():
    names, prefixes = _documented()
    settings = [k for k in dir(Config) if k.isupper()]
    missing = sorted(k for k in settings if k not in names and not any(k.startswith(p) for p in prefixes))
    assert not missing, f"settings in config.py missing from the README's configuration table: {missing}"

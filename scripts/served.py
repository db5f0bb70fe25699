#!/usr/bin/env python3
"""Removes operations from UNIMPLEMENTED in crates/confab-api/src/coverage.rs.

usage: scripts/served.py "GET /contacts" "POST /contacts/{}" ...
"""
import re
import sys
from pathlib import Path

path = Path(__file__).resolve().parent.parent / "crates/confab-api/src/coverage.rs"
text = path.read_text()
for op in sys.argv[1:]:
    method, route = op.split(" ", 1)
    pattern = re.compile(
        r'\n\s*\(\s*"' + re.escape(method) + r'",\s*"' + re.escape(route) + r'",\s*"[^"]*",?\s*\),'
    )
    text, n = pattern.subn("", text)
    if n != 1:
        sys.exit(f"{op}: found {n} rows")
path.write_text(text)

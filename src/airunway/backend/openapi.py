"""Write the API's OpenAPI document to ``clients/openapi.json``, or check it (``--check``).

Generated from the app's routes and models without starting a server or touching a cluster,
so the checked-in document (the input of the generated TypeScript client) cannot drift from
the code: ``make generated`` fails when it does.  Run ``python -m airunway.backend.openapi``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from airunway import __version__
from airunway.backend.app import create_app
from airunway.backend.settings import BackendSettings

OUTPUT = Path("clients/openapi.json")


def document() -> dict[str, Any]:
    """The OpenAPI document, independent of the environment it is generated in."""
    settings = BackendSettings(version=f"v{__version__}", git_commit="unknown", build_time="")
    return create_app(settings).openapi()


def render() -> str:
    """The file's text: stable key order, two-space indent, trailing newline."""
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) ``clients/openapi.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when the file has drifted")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the document goes")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not args.output.is_file() or args.output.read_text() != text:
            sys.stderr.write(f"out of date: {args.output}; run make generate\n")
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

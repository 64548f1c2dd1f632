# ruff: noqa: E501
"""``python -m tools.idac_content [--check] [--root DIR]``: write (or check) the IDAC content files.

Writes codelists/*.xml, dsd/*.xml and examples/* under the repository root.  With ``--check`` nothing
is written; the exit status is 1 when any committed file differs from what the builder produces (or
is missing, or is an unexpected extra file in those folders), so CI catches hand edits and stale output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.idac_content.generate import render_all

ROOT = Path(__file__).resolve().parents[2]
MANAGED_DIRS = ("codelists", "dsd")


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - one linear CLI
    ap = argparse.ArgumentParser(prog="python -m tools.idac_content", description=__doc__)
    ap.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on any difference")
    ap.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = ap.parse_args(argv)
    files = render_all()
    root: Path = args.root
    if args.check:
        problems = []
        for rel, data in files.items():
            path = root / rel
            if not path.is_file():
                problems.append(f"missing: {rel}")
            elif path.read_bytes() != data:
                problems.append(f"differs: {rel}")
        for d in MANAGED_DIRS:
            for path in sorted((root / d).glob("*.xml")):
                rel = path.relative_to(root).as_posix()
                if rel not in files:
                    problems.append(f"not produced by the builder: {rel}")
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print(f"{len(problems)} file(s) out of date; run: python -m tools.idac_content", file=sys.stderr)
            return 1
        print(f"{len(files)} files up to date")
        return 0
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    print(f"wrote {len(files)} files under {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

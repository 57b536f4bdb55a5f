"""Regenerate the demo region's people data (seed/demo/*.csv) from its YAML.

    python tools/build_demo.py           # write the CSVs
    python tools/build_demo.py --check   # exit 1 when they are out of date

The YAML files in seed/demo (competencies, professions, ladders, activities,
units) are written by hand; run this after changing them.
"""

from __future__ import annotations

import argparse
import sys

from seed.generate.demo import DEMO_DIR, build_demo_csvs, write_demo_csvs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the CSVs are current")
    args = parser.parse_args(argv)
    if args.check:
        stale = [
            name
            for name, content in build_demo_csvs(DEMO_DIR).items()
            if not (DEMO_DIR / name).exists() or (DEMO_DIR / name).read_bytes() != content
        ]
        for name in stale:
            print(f"out of date: seed/demo/{name}", file=sys.stderr)
        return 1 if stale else 0
    changed = write_demo_csvs(DEMO_DIR)
    print(f"wrote {', '.join(changed)}" if changed else "demo CSVs already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Validate the DDSC data package and write a versioned release: ``python build.py [validate]``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ddsc.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))

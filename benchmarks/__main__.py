"""``python -m benchmarks [--quick] [--json out.json]``: run every benchmark, print one table."""

import sys

from benchmarks.runner import main

sys.exit(main())

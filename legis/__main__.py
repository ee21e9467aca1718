"""python -m legis: the same as the `legis` command."""

import sys

from legis.cli import main

sys.exit(main())

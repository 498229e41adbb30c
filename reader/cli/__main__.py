"""`python -m reader.cli`: the same as the `newsroom` command."""

import sys

from reader.cli import main

sys.exit(main())

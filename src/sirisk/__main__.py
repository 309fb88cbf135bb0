"""``python -m sirisk`` is the ``sirisk`` command."""

import sys

from .cli import main

sys.exit(main())

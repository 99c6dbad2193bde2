"""``python -m neurocompare`` is the ``neurocompare`` command."""

import sys

from .cli import main

sys.exit(main())

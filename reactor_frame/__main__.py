"""``python -m reactor_frame``: the same as the ``reactor-frame`` command."""

import sys

from .cli.main import main

sys.exit(main())

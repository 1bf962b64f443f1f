"""`python -m builder …`: the same headless CLI as `handoff-builder …`."""

import sys

from builder.cli import main

sys.exit(main())

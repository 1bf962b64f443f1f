"""Importers: chat platforms' exports turned into conversation libraries (JSON Lines, our format).

Each format module reads the platform's documented public export shape and yields
`Conversation`s; a record it cannot use becomes a `Dropped` with its line and the reason, never an
exception. `import_files` runs one of them over files, masks personal data on the way (on by
default) and counts what was read and dropped. May import `builder.format` only.
"""

from __future__ import annotations

from builder.importers.common import Dropped, ImportSummary
from builder.importers.masking import mask_text
from builder.importers.run import FORMATS, ImportOptions, import_files, write_library

__all__ = ["FORMATS", "Dropped", "ImportOptions", "ImportSummary", "import_files", "mask_text", "write_library"]

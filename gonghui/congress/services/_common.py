"""Private helpers shared by the congress services modules."""

from __future__ import annotations

from typing import Any

# Uploaded file names are kept as given (storage may rename the stored file); this long at most.
FILE_NAME_LENGTH = 200


def _upload_name(upload: Any) -> str:
    return str(getattr(upload, "name", "") or "")[-FILE_NAME_LENGTH:]

"""The archive: originals in WARC, reports/versions/cells/changes in SQLite (docs/schema.md)."""
from .capture import Capture, IngestResult
from .store import Archive

__all__ = ["Archive", "Capture", "IngestResult"]

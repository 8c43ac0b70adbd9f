"""Bulk-create Team Assistant (TAS) cases from CSV and Excel files."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tas-import")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]

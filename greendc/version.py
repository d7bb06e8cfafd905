"""The version of greendc, in one place (the package, the results and the wheel read it)."""

__version__ = "0.1.0"

"""The documentation, shipped as package data (``greendc docs``)."""

"""Report templates and styles, shipped as package data (``greendc.templates``)."""

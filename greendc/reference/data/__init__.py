"""Reference data files (TOML), shipped as package data."""

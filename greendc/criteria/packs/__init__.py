"""Built-in rule packs (TOML), shipped as package data."""

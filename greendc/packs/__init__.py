"""Built-in rule packs (TOML), loaded by ``greendc.rules``."""

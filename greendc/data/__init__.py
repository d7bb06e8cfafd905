"""Reference data files of greendc (TOML and pint definitions), loaded by ``greendc.reference``."""

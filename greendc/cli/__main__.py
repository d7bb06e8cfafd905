"""``python -m greendc.cli``: the same as the ``greendc`` command."""

from greendc.cli.main import main

main()

"""The ``greendc`` command line: parse options, call one library function, print, exit.

Each command group has its module (:mod:`.assess`: assess and validate; :mod:`.batch`: batch
and history; :mod:`.criteria`; :mod:`.authoring`: template and demo; :mod:`.docs`); shared
options and the error guard live in :mod:`.common` and :mod:`.main`.  Only this package imports
click, and every command imports the library inside its body, so ``greendc --help`` stays fast.
"""

from greendc.cli.main import main

__all__ = ["main"]

"""Reference data and the edges of the package: data files, names, units, factors, messages.

Every table greendc relies on (column roles and their names, Facility fields, unit spellings,
emission and coal factors, sufficiency settings and limits, the zh/en message catalogue) is a
file in ``data/``, loaded once per process by :mod:`~greendc.reference.loading` and checked
there.  The one pint registry lives in :mod:`~greendc.reference.units`.  :class:`Options`
carries a user's choices for one run explicitly; nothing here is changed at run time.
"""

from greendc.reference.columns import (
    Column,
    Field,
    column_index,
    columns,
    columns_of_kind,
    field_label,
    fields,
    is_summable,
    read_alias_file,
    sheets,
)
from greendc.reference.loading import load_toml
from greendc.reference.messages import LANGS, message, messages
from greendc.reference.names import name_variants, normalise
from greendc.reference.options import Options
from greendc.reference.settings import Limits, setting

__all__ = [
    "LANGS",
    "Column",
    "Field",
    "Limits",
    "Options",
    "column_index",
    "columns",
    "columns_of_kind",
    "field_label",
    "fields",
    "is_summable",
    "load_toml",
    "message",
    "messages",
    "name_variants",
    "normalise",
    "read_alias_file",
    "setting",
    "sheets",
]

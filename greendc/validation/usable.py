"""Which periods can carry a ratio: a period whose IT energy is 0 or missing while the facility
used energy, or whose two meters both read 0, says nothing about efficiency.

Such periods are kept out of every ratio (their IT energy becomes missing, so they count as
gaps in the coverage and an annual figure built without them is provisional) and each group is
named in a warning; an IT column with no usable period at all is an error.  Counting a month's
facility energy against no IT energy would raise the annual PUE (1.20 becomes 1.31 with one such
month in twelve); counting a month where both meters read 0 as covered would hide a gap.  The
facility energy itself was used, so it stays in the consumption totals (tce, CO2): leaving the
month out of them would understate the year's use.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from greendc.findings import Finding
from greendc.reading.submission import Submission
from greendc.reference.names import FACILITY, IT
from greendc.validation.period import stamp


def usable_periods(sub: Submission) -> tuple[Submission, list[Finding]]:
    """The submission with periods that cannot carry a ratio made missing, and why.

    Parameters
    ----------
    sub : Submission
        As read (and restricted to its reporting period).

    Returns
    -------
    submission : Submission
        The same data, with IT energy missing in the unusable periods (and facility energy too
        where both meters read 0).
    findings : list of Finding
        ``it_zero_with_facility`` and ``both_meters_zero`` warnings naming the periods, and an
        ``it_all_zero`` error when no period is left.
    """
    if sub.energy.empty or FACILITY not in sub.energy or IT not in sub.energy:
        return sub, []
    facility = sub.energy[FACILITY].to_numpy(dtype=float)
    it = sub.energy[IT].to_numpy(dtype=float)
    no_it = (facility > 0) & ~(it > 0)  # 0, negative (refused elsewhere) or missing
    both_zero = (facility == 0) & (it == 0)
    findings = []
    for mask, code, column in ((no_it, "it_zero_with_facility", IT),
                               (both_zero, "both_meters_zero", FACILITY)):
        if mask.any():
            findings.append(Finding(code, "warning", sub.place(column, np.flatnonzero(mask)),
                                    {"count": int(mask.sum()),
                                     "period": stamp(sub.energy.index[mask][0])}))
    unusable = no_it | both_zero
    if not unusable.any():
        return sub, []
    energy = sub.energy.copy()
    energy.loc[unusable, IT] = np.nan
    energy.loc[both_zero, FACILITY] = np.nan
    if not (energy[IT] > 0).any():
        findings.append(Finding("it_all_zero", "error", sub.place(IT, np.flatnonzero(it == 0))))
    return replace(sub, energy=energy), findings

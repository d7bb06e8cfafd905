"""Savings from adopted energy-saving technologies: measured, normalised, or deemed.

For each measure on the Measures sheet greendc picks the method the data allow and names it:

* ``regression``: a baseline model of non-IT energy fitted on the 12 months before adoption,
  daily (monthly for monthly data): ``non-IT = a + b x offday + c x E_IT + d x warm
  + e x sum(E_IT x max(0, T - T_cp))``, the change point T_cp chosen by the best fit, predicted
  over the reporting period at the reporting IT load and weather.  Savings = predicted - metered
  non-IT energy.  Fit statistics (CV(RMSE), NMBE, R2) are checked against ASHRAE Guideline 14 and
  the savings uncertainty is estimated; reporting conditions outside the baseline's range are
  flagged.
* ``pue_normalised``: the IT-load-normalised avoided energy, PUE_base x E_IT,rep - E_DC,rep.  It
  ignores weather, so it is always shown beside the regression as a cross-check.
* ``subsystem``: for a cooling measure with a cooling meter, (CLF_base - CLF_rep) x E_IT,rep.
* ``deemed``: the catalogue's indicative range applied to the subsystem's energy, when no
  before-and-after data exist; always a range and labelled an estimate, never measured.
* ``it_side``: IT-side measures (server consolidation): a saving at the IT input is worth about
  PUE kWh at the meter; from the declaration when nothing is metered.

References
----------
EVO, IPMVP Core Concepts (2022), option C (whole facility).
ASHRAE Guideline 14-2014, Measurement of energy, demand and water savings.
The Green Grid, PUE: a comprehensive examination of the metric (IT-load normalisation).

Modules: :mod:`.catalogue` (technologies and their ranges), :mod:`.baseline` (the regression
model and its statistics), :mod:`.measures` (each measure's methods and the choice),
:mod:`.money` (tce, CO2, CNY, payback) and :mod:`.targets` (the path to each failed PUE limit).
"""

from greendc.savings.baseline import fit_statistics, savings_uncertainty
from greendc.savings.catalogue import catalogue, identify
from greendc.savings.measures import assess_measures, deemed, measured_methods
from greendc.savings.targets import path_to_target

__all__ = [
    "assess_measures",
    "catalogue",
    "deemed",
    "fit_statistics",
    "identify",
    "measured_methods",
    "path_to_target",
    "savings_uncertainty",
]

"""The path to target: which catalogued measures could bring PUE down to each failed limit."""

from __future__ import annotations

from typing import Any

from greendc.reference.names import DC, IT
from greendc.savings.catalogue import SUBSYSTEM_COLUMNS, catalogue
from greendc.savings.money import add_money


def path_to_target(totals: dict[str, float], pue: float, targets: list[dict[str, Any]],
                   money: dict[str, Any]) -> list[dict[str, Any]]:
    """Which catalogued measures, at their indicative ranges, could bring PUE to each target.

    Each measure cuts its subsystem's energy by its range; measures on one subsystem combine
    multiplicatively.  The result lists, per target, the non-IT energy to cut and the measures
    in order of their largest effect, with the PUE reached at the low and high ends.

    Parameters
    ----------
    totals : dict of str to float
        Energy sums of the reporting period by canonical column [kWh]; needs
        ``dc_energy_kwh`` and ``it_energy_kwh``.
    pue : float
        The current PUE [-].
    targets : list of dict
        ``{"pue": limit, "label": "pack/rule"}``, as from
        :func:`~greendc.criteria.thresholds.failed_targets`.
    money : dict
        Factors and price as :func:`~greendc.savings.money.add_money` reads them.

    Returns
    -------
    list of dict
        One per target below the current PUE: ``kwh_to_cut`` [kWh], ``share_of_dc`` [-],
        ``reachable_at_high_end``, the ``measures`` taken until the cut is reached at the high
        end (each with ``kwh_high`` [kWh], ``pue_after_low`` and ``pue_after_high`` [-]), and
        the cut's ``tce``, ``tco2`` and ``cny``.
    """
    it = totals[IT]
    out = []
    techs = [t for t in catalogue().values() if t.effect and t.effect[1] > 0
             and SUBSYSTEM_COLUMNS.get(t.subsystem) in totals and t.subsystem != "it"]
    for target in targets:
        value = target["pue"]
        need = totals[DC] - value * it
        if need <= 0:
            continue
        ranked = sorted(techs, key=lambda t: -t.effect[1] * totals[SUBSYSTEM_COLUMNS[t.subsystem]])
        steps = []
        remaining = {k: totals[v] for k, v in SUBSYSTEM_COLUMNS.items() if v in totals}
        cut_low = cut_high = 0.0
        for tech in ranked:
            energy = remaining[tech.subsystem]
            low, high = (e * energy for e in tech.effect)
            remaining[tech.subsystem] = energy - high
            cut_low, cut_high = cut_low + low, cut_high + high
            steps.append({"technology": tech.id, "zh": tech.zh, "en": tech.en,
                          "subsystem": tech.subsystem, "effect": list(tech.effect),
                          "kwh_high": high, "pue_after_high": (totals[DC] - cut_high) / it,
                          "pue_after_low": (totals[DC] - cut_low) / it,
                          "source": tech.source, "confidence": tech.confidence})
            if cut_high >= need:
                break
        entry = {"target": target["label"], "pue_target": value, "pue_now": pue,
                 "kwh_to_cut": need, "share_of_dc": need / totals[DC],
                 "reachable_at_high_end": cut_high >= need, "measures": steps}
        add_money(entry, money, key="kwh_to_cut")
        entry.pop("payback_years", None)
        out.append(entry)
    return out

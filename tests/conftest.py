"""Shared fixtures: submissions written once per test session by greendc's own writer."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from greendc.authoring import synthetic
from greendc.authoring.template import write_submission


@pytest.fixture(scope="session")
def hourly_model() -> synthetic.SiteModel:
    return replace(synthetic.SiteModel(), freq="1h")


@pytest.fixture(scope="session")
def hourly_xlsx(tmp_path_factory, hourly_model):
    """The demo facility with a year of hourly data (8,760 rows)."""
    path = tmp_path_factory.mktemp("hourly") / "submission.xlsx"
    return synthetic.write_demo_submission(path, freq="1h")


@pytest.fixture(scope="session")
def hourly_energy(hourly_model) -> pd.DataFrame:
    return synthetic.energy_table(hourly_model)


@pytest.fixture(scope="session")
def monthly_energy() -> pd.DataFrame:
    """The demo facility's 2025 months (the model spans 2024 and 2025)."""
    return synthetic.monthly_table().loc["2025"]


@pytest.fixture()
def monthly_xlsx(tmp_path, monthly_energy):
    """The demo facility with twelve monthly rows."""
    return write_submission(tmp_path / "monthly.xlsx", facility=synthetic.DEMO_FACILITY,
                            energy=monthly_energy, measures=synthetic.DEMO_MEASURES,
                            meters=synthetic.DEMO_METERS, lang="en")

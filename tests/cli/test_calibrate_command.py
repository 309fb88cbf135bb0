"""sirisk calibrate and sirisk run --simulation: simulate once, calibrate, run the calibrated scenario on the same paths."""

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import sirisk as sr
from sirisk import io

VARY = "holbaek/contract.mechanisms[0].scale=0:8"
TARGET = "holbaek/investor_irr=mean:0.03"
LIMIT = "holbaek/municipality_overpaid=probability<=0.2"


def _sirisk(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sirisk", *map(str, args)], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibrate")
    res = _sirisk("calibrate", "dsi2021", "--draws", 300, "--seed", 4, "--vary", VARY, "--target", TARGET,
                  "--subject-to", LIMIT, "--simulation", "sim.nc", "--out", "cal.toml", "--quiet", cwd=folder)
    return folder, res


def test_calibrate_prints_the_report_and_writes_a_scenario_run_accepts(calibrated):
    folder, res = calibrated
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert "feasible: yes" in res.stdout and "holbaek/investor_irr mean = 0.03" in res.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["cal.toml", "sim.nc"]
    scenario = io.read(folder / "cal.toml")
    assert scenario.run == {"draws": 300, "seed": 4} and scenario.calibrate.target == {"holbaek/investor_irr": ["mean", 0.03]}
    scale = sr.term_value(scenario.portfolio, "holbaek/contract.mechanisms[0].payment") / 4.6e6
    assert 0 < scale < 8 and scale != 1.0
    assert scenario.provenance is not None and len(scenario.provenance.entries) > 50  # still says where from


def test_run_settles_the_calibrated_scenario_on_the_saved_paths(calibrated):
    folder, _ = calibrated
    res = _sirisk("run", "cal.toml", "--simulation", "sim.nc", "--out", "out", "--quiet", cwd=folder)
    assert res.returncode == 0, res.stderr
    assert "dsi2021, 300 draws, seed 4" in res.stdout
    with xr.open_dataset(folder / "out" / "results.nc") as ds:
        irr = ds.investor_irr.sel(programme="holbaek").values
    simulation = sr.open_simulation(folder / "sim.nc")
    scenario = io.read(folder / "cal.toml")
    expected = sr.settle(scenario.portfolio, simulation, monthly=False).investor_irr.sel(programme="holbaek").values
    np.testing.assert_array_equal(irr, expected)
    assert abs(np.nanmean(irr) - 0.03) < 1e-3


def test_a_calibrate_table_in_the_file_is_what_calibrate_solves(tmp_path):
    assert _sirisk("export", "dsi2021", "s.toml", cwd=tmp_path).returncode == 0
    text = (tmp_path / "s.toml").read_text()
    text += ('\n[calibrate]\ntolerance = 0.001\n[calibrate.vary]\n"svendborg/contract.mechanisms[0].scale" = [0.0, 8.0]\n'
             '[calibrate.target]\n"svendborg/investor_irr" = ["median", 0.0]\n')
    (tmp_path / "s.toml").write_text(text)
    res = _sirisk("validate", "s.toml", cwd=tmp_path)
    assert res.returncode == 0 and "a calibration of 1 terms" in res.stdout
    res = _sirisk("calibrate", "s.toml", "--draws", 200, "--quiet", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "svendborg/contract.mechanisms[0].scale" in res.stdout and (tmp_path / "s.calibrated.toml").exists()


def test_an_infeasible_target_exits_1_and_still_writes_the_best_design(calibrated):
    folder, _ = calibrated
    res = _sirisk("calibrate", "dsi2021", "--vary", VARY, "--target", "holbaek/investor_irr=mean:0.5",
                  "--simulation", "sim.nc", "--out", "best.toml", "--quiet", cwd=folder)
    assert res.returncode == 1, res.stderr
    assert "NOT met" in res.stdout and "cannot be reached" in res.stdout and (folder / "best.toml").exists()
    (folder / "best.toml").unlink()


@pytest.mark.parametrize("args, fragment", [
    (["calibrate", "--vary", "x", "--target", TARGET], "--vary is 'x'; write it as PATH=..."),
    (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0-8", "--target", TARGET], "give the bounds as LOW:HIGH"),
    (["calibrate", "--vary", VARY, "--target", "holbaek/investor_irr=mean"], "write METRIC=STATISTIC:VALUE"),
    (["calibrate", "--vary", VARY, "--target", "holbaek/investor_irr=mean:high"], "'high' is not a number"),
    (["calibrate", "--vary", VARY, "--target", TARGET, "--subject-to", "holbaek/investor_loss=probability<0.1"],
     "write METRIC=STATISTIC<=VALUE or >="),
    (["calibrate", "--vary", "holbaek/budget.discount_rate_per_year=0:1", "--target", TARGET],
     "budget is fixed by the simulation"),
    (["calibrate", "--target", TARGET], "nothing to solve"),
    (["calibrate", "--vary", VARY, "--target", TARGET, "--out", "nowhere/cal.toml"], "does not exist"),
    (["run", "--simulation", "sim.nc", "--draws", "301"], "the simulation in sim.nc has draws 300"),
    (["run", "reference", "--simulation", "sim.nc"], "programme 'programme_0' is not in the simulation"),
])
def test_bad_input_is_one_line_exit_2_and_no_files(calibrated, args, fragment):
    folder, _ = calibrated
    before = sorted(p.name for p in folder.iterdir())
    res = _sirisk(*args, cwd=folder)
    assert res.returncode == 2, (args, res.stdout, res.stderr)
    assert len(res.stderr.strip().splitlines()) == 1 and fragment in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert sorted(p.name for p in folder.iterdir()) == before

"""What `sirisk run`, `export` and `describe` write: tables for spreadsheets, and scenario files that keep their provenance."""

import csv

import numpy as np
import pytest
import xarray as xr

from sirisk import io
from sirisk.analysis import risk_summary
from sirisk.analysis.summary import budget_by_year
from sirisk.cli import main
from sirisk.scenarios import load, provenance_of

DRAWS = 60


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    code = main(["run", "--draws", str(DRAWS), "--seed", "3", "--quiet", "--format", "csv, XLSX",
                 "--out", str(folder / "out")])
    assert code == 0
    return folder / "out"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_tables_are_written_beside_the_results(run_folder):
    names = sorted(p.name for p in run_folder.iterdir())
    assert names == ["budget_by_year.csv", "deal_zone.png", "guarantee_draws.png", "investor_irr.png", "municipal_net_fan.png",
                     "per_draw.csv", "results.nc", "results.xlsx", "summary.csv", "tornado.png"]


def test_per_draw_csv_is_one_row_per_draw_and_programme_with_the_values_of_results_nc(run_folder):
    rows = _rows(run_folder / "per_draw.csv")
    assert len(rows) == DRAWS * 3
    with xr.open_dataset(run_folder / "results.nc") as results:
        for name in ("investor_irr", "municipal_net_pv", "guarantee_draw"):
            value = results[name]
            lookup = {(int(d), str(p)): float(value.sel(draw=d, programme=p))
                      for d in results.draw.values for p in results.programme.values}
            got = [float(r[name]) if r[name] != "" else np.nan for r in rows]
            expected = [lookup[int(r["draw"]), r["programme"]] for r in rows]
            np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)


def test_summary_and_budget_csv_hold_the_printed_tables(run_folder):
    with xr.open_dataset(run_folder / "results.nc") as results:
        summary, yearly = risk_summary(results), budget_by_year(results)
    rows = _rows(run_folder / "summary.csv")
    assert len(rows) == summary.sizes["programme"] * summary.sizes["statistic"]
    for r in rows[::7]:
        expected = float(summary.estimate.sel(programme=r["programme"], statistic=r["statistic"]))
        got = float(r["estimate"]) if r["estimate"] != "" else np.nan
        np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)
    years = _rows(run_folder / "budget_by_year.csv")
    assert len(years) == int(np.prod(list(yearly.sizes.values())))


def test_the_workbook_has_one_sheet_per_table(run_folder):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(run_folder / "results.xlsx", read_only=True)
    assert book.sheetnames == ["summary", "per_draw", "budget_by_year"]
    assert book["per_draw"].max_row == DRAWS * 3 + 1  # and a header


def test_an_exported_scenario_keeps_where_its_numbers_come_from(tmp_path, capsys):
    path = tmp_path / "s.toml"
    assert main(["export", "dsi2021", str(path)]) == 0
    registry = provenance_of("dsi2021")
    assert io.read(path).provenance.to_plain() == registry.to_plain()
    capsys.readouterr()
    assert main(["describe", str(path)]) == 0
    from_file = capsys.readouterr().out
    assert registry.describe() in from_file and "no [[provenance]] tables" not in from_file


def test_a_file_without_provenance_says_so(tmp_path, capsys):
    portfolio, uncertainty, _ = load("reference")
    io.dump(tmp_path / "r.toml", portfolio, uncertainty)
    assert main(["describe", str(tmp_path / "r.toml")]) == 0
    assert "has no [[provenance]] tables: nothing says where its numbers come from" in capsys.readouterr().out


def test_provenance_survives_a_text_round_trip():
    portfolio, uncertainty, _ = load("dsi2021_investment")
    registry = provenance_of("dsi2021_investment")
    back = io.reads(io.dumps(portfolio, uncertainty, provenance=registry)).provenance
    assert len(back.entries) > 50 and [type(e) for e in back.entries] == [type(e) for e in registry.entries]
    assert back.to_plain() == registry.to_plain()


def test_provenance_must_be_a_registry():
    portfolio, uncertainty, _ = load("dsi2021")
    with pytest.raises(Exception, match="provenance is a str; must be a sirisk.scenarios.provenance.Provenance"):
        io.dumps(portfolio, uncertainty, provenance="from the call")


def test_describe_says_the_capital_stack(tmp_path, capsys):
    import dataclasses

    import sirisk as sr
    from sirisk import io
    from sirisk.scenarios import load

    portfolio, uncertainty, _ = load("dsi2021")
    holbaek = portfolio.deals[0]
    layered = dataclasses.replace(holbaek, investor=dataclasses.replace(
        holbaek.investor, tranches=[sr.Tranche("senior", 0.8, return_cap_per_year=0.04), sr.Tranche("foundation", 0.2)]))
    portfolio = dataclasses.replace(portfolio, deals=(layered,) + portfolio.deals[1:], guarantee_pool_cap=8e6)
    io.dump(tmp_path / "stack.toml", portfolio, uncertainty)
    assert main(["describe", str(tmp_path / "stack.toml")]) == 0
    text = capsys.readouterr().out
    assert "guarantees pooled up to 8,000,000 DKK" in text.splitlines()[0]
    assert "in tranches senior 80 %, foundation 20 %, guarantee up to 5,000,000" in text

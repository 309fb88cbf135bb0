"""The sirisk command as a user runs it: a subprocess, its output, its files, its exit status."""

import subprocess
import sys


def _sirisk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sirisk", *args], capture_output=True, text=True, timeout=600, cwd=cwd)


def test_cli_run_writes_results_figures_and_a_summary(tmp_path):
    import xarray as xr

    res = _sirisk("run", "--draws", "300", "--seed", "3", "--out", str(tmp_path / "out"), "--quiet")
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""  # --quiet: no progress bar
    assert "dsi2021, 300 draws, seed 3" in res.stdout
    for name in ("holbaek", "svendborg", "guldborgsund", "portfolio", "P(pays for outcomes that did not happen)",
                 "P(whole guarantee exposure drawn)", "P(loss) before the guarantee",
                 "net budget effect per contract year"):
        assert name in res.stdout
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["deal_zone.png", "guarantee_draws.png", "investor_irr.png", "municipal_net_fan.png", "results.nc", "tornado.png"]
    with xr.open_dataset(tmp_path / "out" / "results.nc") as ds:
        assert ds.sizes["draw"] == 300 and ds.attrs["seed_entropy"] == "3"
        assert "input_value" in ds and ds.attrs["numba_version"]


def test_cli_run_is_reproducible(tmp_path):
    a = _sirisk("run", "reference", "--draws", "50", "--out", str(tmp_path / "a"), "--quiet")
    b = _sirisk("run", "reference", "--draws", "50", "--out", str(tmp_path / "b"), "--quiet", "--threads", "1")
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    strip = lambda text: [line for line in text.splitlines() if " s (" not in line and "wrote" not in line]  # noqa: E731
    assert strip(a.stdout) == strip(b.stdout)


def test_cli_describe_lists_sources_and_assumptions():
    res = _sirisk("describe", "dsi2021")
    assert res.returncode == 0, res.stderr
    assert "INDIGO-POJ-0313" in res.stdout and "ASSUMPTION" in res.stdout and "seed 003" in res.stdout


def test_cli_bad_input_is_one_line_exit_2_and_no_files(tmp_path):
    (tmp_path / "afile").write_text("x")
    for args in (["run", "--draws", "-5"], ["run", "--seed", "x"], ["run", "holbaek"], ["run", "--threads", "999"],
                 ["run", "--draws", "5", "--out", str(tmp_path / "afile")], ["describe", "nowhere"]):
        res = _sirisk(*args, cwd=tmp_path)
        assert res.returncode == 2, args
        assert "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert res.stderr.startswith("sirisk: error:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_cli_export_validate_and_run_a_file(tmp_path):
    def sirisk(*args):
        return subprocess.run([sys.executable, "-m", "sirisk", *args], capture_output=True, text=True, timeout=600,
                              cwd=tmp_path)

    assert sirisk("export", "dsi2021", "dsi.toml").returncode == 0
    ok = sirisk("validate", "dsi.toml")
    assert ok.returncode == 0 and "valid" in ok.stdout
    text = (tmp_path / "dsi.toml").read_text()
    (tmp_path / "bad.toml").write_text(text.replace('source = "sick_pay"', 'source = "sickpay"', 1))
    bad = sirisk("validate", "bad.toml")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert "bad.toml: portfolio.deals[0].programme" in bad.stderr and "'sickpay'" in bad.stderr
    bad_run = sirisk("run", "bad.toml", "--draws", "10", "--out", "out")
    assert bad_run.returncode == 2 and not (tmp_path / "out").exists()  # no partial output
    run = sirisk("run", "dsi.toml", "--draws", "60", "--out", "out", "--quiet")
    assert run.returncode == 0, run.stderr
    assert "dsi2021, 60 draws, seed 2021" in run.stdout and (tmp_path / "out" / "results.nc").exists()

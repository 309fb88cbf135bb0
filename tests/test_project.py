"""The project's promises to a new user: two commands, a CI that runs the README's test command."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quickstart_commands():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quickstart\n.*?```(?:bash|sh)?\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_quickstart_has_exactly_two_commands():
    commands = _quickstart_commands()
    assert len(commands) == 2
    assert commands[0].endswith("sirisk run")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _quickstart_commands()[1] in ci


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


def test_readme_notebook_example_runs():
    import matplotlib

    matplotlib.use("Agg")
    text = (ROOT / "README.md").read_text()
    code = re.search(r"## In a notebook\n.*?```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    results = namespace["results"]
    assert results.sizes["draw"] == 10_000
    assert set(results.arm.values) == {"treated", "counterfactual", "control"}

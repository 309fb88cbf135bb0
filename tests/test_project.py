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


def test_cli_run_prints_a_summary():
    res = subprocess.run([sys.executable, "-m", "sirisk", "run", "--draws", "200", "--seed", "3"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "200 draws, seed 3" in res.stdout
    assert "extra months employed (effect)" in res.stdout
    assert "simulating" in res.stderr


def test_cli_run_quiet_prints_nothing_on_stderr():
    res = subprocess.run([sys.executable, "-m", "sirisk", "run", "--draws", "20", "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stderr == ""


def test_cli_bad_input_is_one_line_and_exit_2():
    for args in (["run", "--draws", "-5"], ["run", "--seed", "x"], ["run", "holbaek"], ["run", "--threads", "999"]):
        res = subprocess.run([sys.executable, "-m", "sirisk", *args], capture_output=True, text=True, timeout=300)
        assert res.returncode == 2, args
        assert "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert res.stderr.startswith("sirisk: error:")


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

"""Bad command lines: one line on stderr (exit 2) naming the option, the value and the rule, and no files left.

Also what an interrupt leaves: Ctrl-C (SIGINT) is one line and exit 130; a kill (SIGKILL) at any moment
leaves no partial file under a result's name, a results.nc from before stays whole, and the next run in
the folder removes the temporary the killed one left.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
import xarray as xr

from sirisk.cli import main

CASES = {
    "no command": ([], ["the following arguments are required: command"]),
    "an unknown command": (["simulate"], ["invalid choice: 'simulate'"]),
    "no draws": (["run", "--draws", "0"], ["--draws", "is 0", "at least 1"]),
    "negative draws": (["run", "--draws", "-5"], ["--draws", "is -5", "at least 1"]),
    "draws a word": (["run", "--draws", "many"], ["--draws", "'many'", "whole number"]),
    "half a draw": (["run", "--draws", "1.5"], ["--draws", "'1.5'", "whole number"]),
    "draws beyond memory": (["run", "--draws", "10000000000000"], ["10,000,000,000,000 draws", "needs about",
                                                                    "use fewer draws (--draws)"]),
    "a negative seed": (["run", "--seed", "-1"], ["--seed", "is -1", "non-negative"]),
    "a seed a word": (["run", "--seed", "x"], ["--seed", "'x'", "non-negative whole number"]),
    "no threads": (["run", "--threads", "0"], ["--threads", "is 0", "at least 1"]),
    "too many threads": (["run", "--threads", "999"], ["threads is 999", "from 1 to"]),
    "an empty --out": (["run", "--out", ""], ["--out is ''", "give a folder"]),
    "--out a file": (["run", "--out", "afile"], ["--out is 'afile'", "must be a folder (it is a file)"]),
    "--out under a file": (["run", "--out", "afile/results"], ["--out is 'afile/results'", "cannot create the folder"]),
    "--out where nothing is written": (["run", "--out", "/proc/sirisk"], ["--out is '/proc/sirisk'",
                                                                         "cannot create the folder"]),
    "an unknown scenario": (["run", "holbaek"], ["scenario is 'holbaek'", "built-in scenario", ".toml file"]),
    "a missing file": (["run", "missing.toml"], ["missing.toml", "cannot read the file"]),
    "--simulation a folder": (["run", "--simulation", "afolder"], ["--simulation is 'afolder'", "(it is a folder)"]),
    "--simulation in a missing folder": (["run", "--simulation", "none/sim.nc"],
                                         ["--simulation is 'none/sim.nc'", "folder 'none' does not exist"]),
    "--simulation not a simulation": (["run", "--simulation", "afile"], ["afile: cannot read a simulation"]),
    "--simulation empty": (["run", "--simulation", ""], ["--simulation is ''", "give a file name"]),
    "describe nothing known": (["describe", "nowhere"], ["scenario is 'nowhere'", "built-in scenario"]),
    "validate a missing file": (["validate", "none.toml"], ["none.toml", "No such file or directory"]),
    "validate a folder": (["validate", "afolder"], ["afolder", "Is a directory"]),
    "export an unknown scenario": (["export", "viborg", "x.toml"], ["invalid choice: 'viborg'"]),
    "export onto a folder": (["export", "dsi2021", "afolder"], ["FILE is 'afolder'", "(it is a folder)"]),
    "export to the root": (["export", "dsi2021", "/"], ["FILE is '/'", "(it is a folder)"]),
    "export into a missing folder": (["export", "dsi2021", "none/x.toml"], ["FILE is 'none/x.toml'",
                                                                            "folder 'none' does not exist"]),
    "export where nothing is written": (["export", "dsi2021", "/proc/x.toml"], ["FILE is '/proc/x.toml'",
                                                                                "cannot write in '/proc'"]),
    "export with an empty name": (["export", "dsi2021", ""], ["FILE is ''", "give a file name"]),
    "calibrate a term without bounds": (["calibrate", "--vary", "x", "--target", "holbaek/investor_irr=mean:0.05"],
                                        ["--vary is 'x'", "PATH=..."]),
    "calibrate bounds with a dash": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0-8",
                                      "--target", "holbaek/investor_irr=mean:0.05"], ["LOW:HIGH"]),
    "calibrate a bound a word": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0:lots",
                                  "--target", "holbaek/investor_irr=mean:0.05"], ["'lots' is not a number"]),
    "calibrate a target without a value": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0:8",
                                            "--target", "holbaek/investor_irr=mean"], ["METRIC=STATISTIC:VALUE"]),
    "calibrate a strict constraint": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0:8", "--target",
                                       "holbaek/investor_irr=mean:0.05", "--subject-to", "holbaek/investor_loss=probability<0.1"],
                                      ["STATISTIC<=VALUE or >="]),
    "calibrate nothing": (["calibrate"], ["nothing to solve"]),
    "calibrate a tolerance of 2": (["calibrate", "--tolerance", "2"], ["--tolerance", "is 2", "in (0, 1)"]),
    "calibrate an unknown metric": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0:8", "--target",
                                     "holbaek/happiness=mean:1"], ["variable is 'happiness'"]),
    "calibrate a fixed term": (["calibrate", "--vary", "holbaek/programme.horizon_months=60:100", "--target",
                                "holbaek/investor_irr=mean:0.05"], ["programme is fixed by the simulation"]),
    "calibrate a probability of 3": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0:8", "--target",
                                      "holbaek/municipality_overpaid=probability:3"], ["value is 3", "[0, 1]"]),
    "calibrate --out a folder": (["calibrate", "--vary", "holbaek/contract.mechanisms[0].scale=0:8", "--target",
                                  "holbaek/investor_irr=mean:0.05", "--out", "afolder"], ["--out is 'afolder'", "folder"]),
    "an unknown option": (["run", "--colour", "red"], ["unrecognized arguments: --colour"]),
    "a format not written": (["run", "--format", "pdf"], ["--format is 'pdf'", "'pdf' is not one of csv, xlsx"]),
    "an empty format": (["run", "--format", ","], ["--format is ','", "give csv, xlsx or both"]),
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("x")
    (tmp_path / "afolder").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_command_line_is_one_line_exit_2_and_no_files(folder, name, capsys):
    argv, fragments = CASES[name]
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, (name, err)
    assert len(err) == 1 and err[0].startswith("sirisk: error:"), err
    for fragment in fragments:
        assert fragment in err[0], f"{fragment!r} not in {err[0]!r}"
    assert "Traceback" not in err[0]
    assert sorted(p.name for p in folder.iterdir()) == ["afile", "afolder"]
    assert list((folder / "afolder").iterdir()) == []


def test_the_corpus_is_large():
    assert len(CASES) >= 40


def test_version_and_every_help_has_an_example(capsys):
    for argv in (["--version"], ["run", "--help"], ["calibrate", "--help"], ["describe", "--help"],
                 ["validate", "--help"], ["export", "--help"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        out = capsys.readouterr().out
        assert ("sirisk 0." in out) if argv == ["--version"] else ("examples:\n  sirisk " in out), (argv, out)


def test_an_internal_error_is_one_line_saying_it_is_a_bug(monkeypatch, capsys):
    from sirisk.cli import commands

    def broken(args, outputs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(commands.COMMANDS, "describe", broken)
    assert main(["describe", "dsi2021"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "internal error (a bug in sirisk" in err[0] and "ZeroDivisionError" in err[0]
    assert "--debug shows the traceback" in err[0]
    assert main(["--debug", "describe", "dsi2021"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def _start(args, cwd):
    return subprocess.Popen([sys.executable, "-m", "sirisk", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(condition, seconds=120):
    end = time.time() + seconds
    while time.time() < end:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.slow
def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    run = _start(["run", "--draws", "400000", "--out", "out"], tmp_path)  # long enough to be interrupted
    assert _wait_for(lambda: (tmp_path / "out").exists())
    time.sleep(2.0)  # inside the simulation
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1] == "sirisk: interrupted; nothing written"
    assert "Traceback" not in err
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
def test_a_kill_while_writing_leaves_the_results_from_before_whole(tmp_path):
    first = subprocess.run([sys.executable, "-m", "sirisk", "run", "--draws", "200", "--seed", "1", "--out", "out",
                            "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    before = xr.load_dataset(tmp_path / "out" / "results.nc")
    run = _start(["run", "--draws", "60000", "--seed", "2", "--out", "out", "--quiet"], tmp_path)
    temporary = tmp_path / "out" / f".results.nc.tmp-{run.pid}"
    assert _wait_for(temporary.exists, seconds=300), "the run never started writing"
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "results.nc" in names and all(n == "results.nc" or n.startswith(".") or n.endswith(".png") for n in names)
    xr.testing.assert_identical(xr.load_dataset(tmp_path / "out" / "results.nc"), before)  # whole, and the old one
    # The next run in the folder removes what the killed one left behind.
    again = subprocess.run([sys.executable, "-m", "sirisk", "run", "--draws", "100", "--out", "out", "--quiet"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]

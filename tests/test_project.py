"""The project's promises to a new user: two commands, a CI that runs the README's test command, a notebook example that runs."""

import re
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


def test_the_api_reference_lists_every_public_name():
    import sirisk

    listed = set(re.findall(r"^   (\w+)$", (ROOT / "docs" / "api" / "index.rst").read_text(), re.M))
    assert {n for n in sirisk.__all__ if n not in ("ARMS", "uncertainty", "__version__")} <= listed


def test_ci_builds_the_docs_with_the_readme_command():
    command = re.search(r"## Documentation\n.*?```(?:bash|sh)?\n(.*?)\n```", (ROOT / "README.md").read_text(),
                        re.S).group(1).strip()
    assert command in (ROOT / ".ci" / "run").read_text()
    assert " -W " in command  # warnings are errors

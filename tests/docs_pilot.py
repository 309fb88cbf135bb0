"""The programme, budget and ``pilot(...)`` deal maker of docs/measured.md, for tests worked by hand on it."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "measured.md"


def docs_pilot():
    """``pilot(*mechanisms, cap=None, guarantee=None, **investor)`` as docs/measured.md defines it."""
    namespace = {}
    exec(compile(re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)[1], str(DOC), "exec"), namespace)
    return namespace["pilot"]

"""The worked examples of docs/money.md: contract patterns settled on measured histories, payouts computed by hand there."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "money.md"


def test_every_worked_contract_pattern_reproduces_its_hand_computed_payouts():
    text = DOC.read_text()
    section = text[text.index("## Worked examples: contract patterns"):]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    assert namespace["paid"]  # the examples ran to their last assertion

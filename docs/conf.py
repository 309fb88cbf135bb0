"""Sphinx configuration of sirisk's documentation site.

Build it with ``python -m sphinx -W -b html docs docs/_build/html`` (after
``pip install -e '.[docs]'``). Sphinx with numpydoc, because the docstrings are
numpydoc and the scientific-Python projects sirisk sits among (numpy, scipy,
xarray) document themselves this way; myst-nb, so that the guides stay the
Markdown files of docs/ and the notebooks are rendered executed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import sirisk

HERE = Path(__file__).resolve().parent

project = "sirisk"
author = "the sirisk developers"
copyright = "2026, the sirisk developers"
release = version = sirisk.__version__

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]

# The notebooks live in notebooks/ (the tests run them there); the site renders copies, executed.
_NOTEBOOKS = HERE / "notebooks"
shutil.rmtree(_NOTEBOOKS, ignore_errors=True)
_NOTEBOOKS.mkdir()
for notebook in sorted((HERE.parent / "notebooks").glob("*.ipynb")):
    shutil.copy(notebook, _NOTEBOOKS / notebook.name)

exclude_patterns = ["_build", "api/generated/*.rst.tmp", "jupyter_execute", ".jupyter_cache"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}  # .rst first: autosummary writes its pages in it
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_merge_streams = True

autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = "sirisk"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path: list[str] = []

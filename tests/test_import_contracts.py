"""The import contracts of pyproject.toml catch an import against the arrows of docs/architecture.md.

`lint-imports` runs on a copy of the package tree with one wrong import added, and must fail naming the
contract it breaks; on the real tree it must pass.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
PACKAGES = ("layerformat", "site_builder", "deploy", "cms", "bench", "tests")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT_IMPORTS, "--no-cache", "--no-logo"], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python files of every package and pyproject.toml, nothing else."""
    root = tmp_path_factory.mktemp("tree")
    shutil.copy(REPO / "pyproject.toml", root)
    keep_python = shutil.ignore_patterns("__pycache__", "node_modules", "*.pyc", "*.po", "*.mo", "*.json", "*.md",
                                         "*.html", "*.js", "*.css", "*.csv", "*.svg", "*.png", "*.woff2", "*.txt")
    for package in PACKAGES:
        shutil.copytree(REPO / package, root / package, ignore=keep_python)
    return root


def test_the_real_tree_keeps_every_contract():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module,wrong_import,contract", [
    ("layerformat/wrong.py", "import deploy.stores",
     "layerformat is the bottom: the signed-layer format imports no other package of ours"),
    ("site_builder/wrong.py", "from cms.org import selectors",
     "site_builder knows no Django: it imports neither the CMS nor deploy"),
    ("deploy/wrong.py", "import cms.publishing.build", "deploy (stores, S3 publish, gate answer) imports no CMS code"),
    ("cms/org/wrong.py", "from cms.api import selectors",
     "cms.org (units, members, access rule) is below every other app"),
    ("cms/publishing/wrong.py", "import cms.reader.views",
     "cms.publishing imports nothing of the API or the reader (they hear of builds through layer_built)"),
    ("cms/api/wrong.py", "import bench.cli", "no product code imports benchmarks or tests"),
    ("cms/meetings/wrong.py", "import cms.notices.selectors",
     "cms.notices (thông báo, bản tin, nguồn tin) sits on top: nothing below imports it"),
])
def test_an_import_against_the_arrows_fails_naming_its_contract(tree_copy, module, wrong_import, contract):
    wrong = tree_copy / module
    wrong.write_text(f'"""An import against the arrows."""\n\n{wrong_import}  # noqa: F401\n', encoding="utf-8")
    try:
        result = lint_imports(tree_copy)
    finally:
        wrong.unlink()
    report = " ".join(result.stdout.split())  # the report wraps long contract names
    assert result.returncode == 1, result.stdout
    assert f"{contract} BROKEN" in report
    assert report.count(" BROKEN") == 1, "only the contract the wrong import breaks"
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {wrong_import.split()[1]}" in report, "the report names the wrong import"

"""The import contracts of pyproject.toml (run by `make lint`): they pass on the real tree, and an import that
breaks the architecture fails lint, naming the contract it breaks.

Each case copies the project's packages to a temporary directory, adds one forbidden import there and runs
lint-imports on the copy; the working tree is never touched.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = [
    "portal",
    "devtools",
    "demo",
    "editorial",
    "accounts",
    "operations",
    "admissions",
    "home",
    "people",
    "programs",
    "core",
]


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's packages and its pyproject.toml (where the contracts are)."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(directory):
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=directory,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(directory), "COLUMNS": "200"},  # no wrapped lines
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def add_import(tree, module_path, statement):
    path = tree / module_path
    path.write_text(f"{statement}  # a forbidden import, added by the test\n{path.read_text()}")


def test_the_real_tree_keeps_every_contract(tree):
    returncode, output = lint_imports(tree)
    assert returncode == 0, output
    assert "Contracts: 5 kept, 0 broken." in output


def test_admissions_importing_people_fails_naming_the_contract(tree):
    add_import(tree, "admissions/seats.py", "import people.models")
    returncode, output = lint_imports(tree)
    assert returncode == 1, output
    assert (
        "admissions (applicants' questions and registrations) builds on core and programs only: not people or home "
        "BROKEN" in output
    )
    assert "admissions.seats -> people.models" in output


def test_a_domain_app_importing_admissions_fails_the_layers(tree):
    add_import(tree, "programs/calendar.py", "import admissions.models")
    returncode, output = lint_imports(tree)
    assert returncode == 1, output
    assert (
        "Layers: portal > devtools, demo, editorial, accounts, operations > admissions > home, people, programs > core"
        " BROKEN" in output
    )


def test_programs_importing_people_fails_naming_the_contract(tree):
    add_import(tree, "programs/calendar.py", "import people.models")
    returncode, output = lint_imports(tree)
    assert returncode == 1, output
    assert "programs never imports people (people link to tracks, not the other way round) BROKEN" in output
    assert "programs.calendar -> people.models" in output


def test_core_importing_a_domain_app_fails_naming_the_contracts(tree):
    add_import(tree, "core/seo.py", "import programs.models")
    returncode, output = lint_imports(tree)
    assert returncode == 1, output
    assert "core imports no other project app BROKEN" in output
    assert (
        "Layers: portal > devtools, demo, editorial, accounts, operations > admissions > home, people, programs > core"
        " BROKEN" in output
    )
    assert "core.seo -> programs.models" in output


def test_a_domain_app_importing_editorial_fails_naming_the_contracts(tree):
    add_import(tree, "people/directory.py", "import editorial.models")
    returncode, output = lint_imports(tree)
    assert returncode == 1, output
    assert "No domain app imports editorial, accounts, demo, devtools or operations BROKEN" in output
    assert "people.directory -> editorial.models" in output


def test_core_importing_devtools_fails_the_layers(tree):
    add_import(tree, "core/models.py", "import devtools.tour")
    returncode, output = lint_imports(tree)
    assert returncode == 1, output
    assert (
        "Layers: portal > devtools, demo, editorial, accounts, operations > admissions > home, people, programs > core"
        " BROKEN" in output
    )

"""A non-editable install, run from another folder, finds the shipped templates and glossary."""

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("install")
    wheels = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = wheels.glob("summarizer-*.whl")
    env = work / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env)
    python = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    return env


def test_installed_package_carries_its_templates_and_glossary(installed, tmp_path):
    python = installed / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "from summarizer.resources import shipped_folder as f; print(f('templates')); print(f('glossary'))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert all(str(installed) in line and "site-packages/summarizer/" in line for line in where), where


def test_installed_command_builds_from_another_folder(installed, tmp_path):
    result = subprocess.run(
        [str(installed / "bin" / "summarizer"), "build", str(EXAMPLE), "--out", "out", "--format", "html,embed"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "NCT03929120" / "leaflet.html").read_text()
    assert 'id="words-to-know"' in html and "hypoxemia" in html

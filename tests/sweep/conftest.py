"""Fixtures of the sweep tests: the tiny scenario in a folder of its own."""

from __future__ import annotations

import textwrap

import pytest

from .helpers import TINY


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    (folder / "tiny.py").write_text(textwrap.dedent(TINY))
    return folder

"""Fixtures of the reports summary tests: background jobs inline."""

import pytest


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    settings.GONGHUI_TASK_RUNNER = "inline"

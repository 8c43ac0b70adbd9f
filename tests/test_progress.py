"""The progress bar: shown on a terminal, silent in pipes and logs."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import TextIO

import pytest

from tas_import.progress import Progress
from tas_import.rows import RowResult, Status


@pytest.fixture
def terminal() -> Iterator[TextIO]:
    """Yield the writing end of a pseudo-terminal, which reports isatty() as a real one."""
    controller, follower = os.openpty()
    stream = os.fdopen(follower, "w", encoding="utf-8")
    try:
        yield stream
    finally:
        stream.close()
        os.close(controller)


def feed(progress: Progress) -> None:
    for number, status in enumerate([Status.CREATED, Status.CREATED, Status.FAILED], start=2):
        progress.update(RowResult(number, status))


def test_pipe_gets_nothing() -> None:
    stream = io.StringIO()
    with Progress(3, stream=stream) as progress:
        feed(progress)
    assert stream.getvalue() == ""


def test_pipe_disables_bar() -> None:
    assert not Progress(3, stream=io.StringIO()).enabled


def test_terminal_enables_bar(terminal: TextIO) -> None:
    with Progress(3, stream=terminal) as progress:
        assert progress.enabled


def test_enabled_bar_shows_counts() -> None:
    stream = io.StringIO()
    with Progress(3, enabled=True, stream=stream) as progress:
        feed(progress)
    assert "created=2, failed=1" in stream.getvalue()


def test_enabled_bar_shows_total() -> None:
    stream = io.StringIO()
    with Progress(3, enabled=True, stream=stream) as progress:
        feed(progress)
    assert "3/3" in stream.getvalue()


def test_unknown_total_accepted() -> None:
    stream = io.StringIO()
    with Progress(None, enabled=True, stream=stream) as progress:
        feed(progress)
    assert "3 rows" in stream.getvalue()


def test_counts_kept_when_disabled() -> None:
    with Progress(3, enabled=False, stream=io.StringIO()) as progress:
        feed(progress)
    assert dict(progress.counts) == {Status.CREATED: 2, Status.FAILED: 1}


def test_close_twice_is_harmless() -> None:
    progress = Progress(3, enabled=True, stream=io.StringIO())
    progress.close()
    progress.close()
    assert not progress.counts

"""The garbage collector is paused during bulk work and always comes back as it was."""

import gc

import pytest

from trails.errors import ParseError
from trails.formats import read_network
from trails.memory import collector_paused


def test_the_collector_is_off_inside_and_back_on_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_file_that_fails_to_parse_leaves_the_collector_on(tmp_path):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not osm at all")
    with pytest.raises(ParseError):
        read_network(bad)
    assert gc.isenabled()

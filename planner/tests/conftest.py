"""`world`: the real Andorra network and the GeoNames subset, for view tests."""

import pytest


@pytest.fixture
def world(andorra_db, places):
    return andorra_db

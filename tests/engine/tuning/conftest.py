import itertools

import pytest

from tests.engine.tuning.pg_server import PostgresServer


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for this test process (each xdist worker starts its own),
    stopped and removed at the end."""
    server = PostgresServer.start()
    yield server
    server.drop()


_names = itertools.count()


@pytest.fixture
def pg_url(postgres, request):
    """The URL (password included) of a fresh database on the test server."""
    return postgres.new_database(f"t{next(_names)}_{request.node.name[:40].lower()}"
                                 .replace("[", "_").replace("]", "_").replace("-", "_"))

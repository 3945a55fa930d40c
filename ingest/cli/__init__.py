"""Command modules register themselves on import."""

from ingest.cli import (
    commands,  # noqa: F401
    mail,  # noqa: F401
    serve,  # noqa: F401
    site,  # noqa: F401
)
from ingest.cli.app import app


def main() -> None:
    app()

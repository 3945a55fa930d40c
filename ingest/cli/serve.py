"""`ingest serve`: the search service (HTTP API and search page) on uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from ingest.cli.app import command, err


@command
def serve(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080) -> None:
    """Serve the search API (/search, /articles/ID, /papers, /health, /docs) and the search page (/), read-only."""
    # Imported here: the web stack is not needed by, and would slow the start of, every other command.
    import uvicorn

    from ingest.web.app import create_app

    err.print(f"search page: http://{host}:{port}/  API schema: http://{host}:{port}/openapi.json")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")

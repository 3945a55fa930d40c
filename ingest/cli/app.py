"""The `ingest` command: the typer app and what every command shares (output, errors, options)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from ingest.errors import ConfigError, InputError, ServiceError

if TYPE_CHECKING:
    from ingest.config import Settings

# Plain help and usage errors (rich_markup_mode=None, which sub-apps inherit): typer's rich formatting imports
# rich's markdown, panels and tracebacks, which doubled the time of `ingest --help`.
app = typer.Typer(help="Ingest Chinese newspaper editions into Elasticsearch, and search them.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


class _Console:
    """A rich Console made on first use: importing rich costs start-up that `--help` and `--json` never need."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Any = None

    @property
    def console(self) -> Any:
        """The rich Console itself, for what takes one (a Progress)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = _Console(stderr=False)
err = _Console(stderr=True)


def escape(text: str) -> str:
    """`text` with its rich markup escaped, for `out.print` (rich imported on first use, as the consoles are)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)

EXIT_INPUT, EXIT_CONFIG, EXIT_SERVICE = 1, 2, 3


@contextmanager
def operator_errors() -> Iterator[None]:
    """Errors become one readable line and an exit code, never a traceback. The message is printed as it is:
    one naming a config table (`[site] layout_dir: unknown key`) must not be read as markup."""
    try:
        yield
    except InputError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    except ConfigError as e:
        err.print(f"[red]config error:[/red] {escape(str(e))}")
        raise typer.Exit(EXIT_CONFIG) from None
    except ServiceError as e:
        err.print(f"[red]service error:[/red] {escape(str(e))}")
        raise typer.Exit(EXIT_SERVICE) from None


def settings() -> Settings:
    """The settings of this process (ingest.config.settings), loaded on first use: pydantic costs start-up
    that `ingest --help` does not need."""
    from ingest.config import settings as current

    return current()


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register `fn` as a subcommand (module-level decorator for the command modules)."""
    return app.command()(fn)

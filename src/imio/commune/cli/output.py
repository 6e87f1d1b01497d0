"""What the fleet command prints: a progress bar, a summary table, or JSON."""

from contextlib import contextmanager
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.table import Table

import json


class Reporter:
    """Rows of results, shown as a table for people or as JSON for scripts."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.console = Console()
        self.errors = Console(stderr=True)

    @contextmanager
    def progress(self, description: str, total: int):
        """Yield a function to call once per item done."""
        if self.as_json or total < 2:
            yield lambda label="": None
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[label]}"),
        )
        with Progress(*columns, console=self.errors, transient=True) as bar:
            task = bar.add_task(description, total=total, label="")
            yield lambda label="": bar.update(task, advance=1, label=label)

    def table(self, title: str, columns: list[str], rows: list[dict]) -> None:
        if self.as_json:
            print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(format_cell(row.get(column)) for column in columns))
        self.console.print(table)

    def fail(self, message: str) -> None:
        if self.as_json:
            print(json.dumps({"erreur": message}, ensure_ascii=False))
        else:
            self.errors.print(message, markup=False, highlight=False, soft_wrap=True)


def format_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)

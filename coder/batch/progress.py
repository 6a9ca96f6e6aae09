"""The progress bar of a batch run: rate, ETA, errors so far and, for the LLM coder, tokens and cost.

It draws on stderr so that stdout stays clean, and only on a terminal (rich
turns the live display off elsewhere); `Quiet` is the same interface doing
nothing, for tests and library use.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} doc/s" if speed else "– doc/s", style="progress.data.speed")


class _Extra(ProgressColumn):
    """Errors so far, and tokens and cost when the coder reports them."""

    def render(self, task: Task) -> Text:
        f = task.fields
        text = Text()
        text.append(f"{f.get('errors', 0)} failed", style="red" if f.get("errors") else "dim")
        if f.get("skipped"):
            text.append(f"  {f['skipped']} already done", style="dim")
        if f.get("tokens"):
            text.append(f"  {f['tokens']:,} tokens", style="cyan")
        if f.get("cost") is not None:
            text.append(f"  ${f['cost']:.4f}", style="green")
        return text


class Quiet:
    def start(self, total: int | None) -> None: ...

    def update(
        self, *, advance: int = 0, errors: int = 0, skipped: int = 0, tokens: int = 0, cost: float | None = None
    ) -> None: ...

    def stop(self) -> None: ...


class Bar(Quiet):
    def __init__(self, console: Console | None = None, description: str = "coding"):
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _Rate(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            _Extra(),
            console=console or Console(stderr=True, emoji=False),
            transient=False,
        )
        self.description = description
        self.task = None

    def start(self, total: int | None) -> None:
        self.progress.start()
        self.task = self.progress.add_task(self.description, total=total, errors=0, skipped=0, tokens=0, cost=None)

    def update(
        self, *, advance: int = 0, errors: int = 0, skipped: int = 0, tokens: int = 0, cost: float | None = None
    ) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=advance, errors=errors, skipped=skipped, tokens=tokens, cost=cost)

    def stop(self) -> None:
        self.progress.stop()

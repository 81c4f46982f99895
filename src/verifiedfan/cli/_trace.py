"""``vf trace list`` and ``vf trace show TRACE_ID``: the traces held by the local OTLP receiver.

What a developer would otherwise open Splunk or Jaeger for: each trace as a tree of spans with their
durations, offsets and status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import typer

from verifiedfan.cli._output import print_json
from verifiedfan.stack import OtlpReceiver, ReceivedSpan, StackSettings, connections

app = typer.Typer(help="Show the traces received by the local OTLP receiver (vf stack up otlp).")


@dataclass(frozen=True)
class TreeRow:
    depth: int
    span: ReceivedSpan
    offset_ms: float

    @property
    def duration_ms(self) -> float:
        return (self.span.end_time_unix_nano - self.span.start_time_unix_nano) / 1e6


def span_tree(spans: Sequence[ReceivedSpan]) -> list[TreeRow]:
    """Spans in depth-first order, children sorted by start time; orphans (parent not received)
    are shown as roots so nothing is hidden."""
    if not spans:
        return []
    ids = {s.span_id for s in spans}
    children: dict[str | None, list[ReceivedSpan]] = {}
    for span in spans:
        parent = span.parent_span_id if span.parent_span_id in ids else None
        children.setdefault(parent, []).append(span)
    for group in children.values():
        group.sort(key=lambda s: (s.start_time_unix_nano, s.name))
    t0 = min(s.start_time_unix_nano for s in spans)
    rows: list[TreeRow] = []
    stack: list[tuple[int, ReceivedSpan]] = [(0, s) for s in reversed(children.get(None, []))]
    while stack:
        depth, span = stack.pop()
        rows.append(TreeRow(depth, span, (span.start_time_unix_nano - t0) / 1e6))
        stack.extend((depth + 1, c) for c in reversed(children.get(span.span_id, [])))
    return rows


def _receiver() -> OtlpReceiver:
    return OtlpReceiver(connection=connections(StackSettings()).otlp)


@app.command("list")
def list_traces(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    limit: int = typer.Option(50, help="At most this many traces, newest first."),
) -> None:
    """One line per trace: id, root span, service, span count, duration, errors."""
    with _receiver() as receiver:
        traces = sorted(receiver.traces(), key=lambda t: t["start_time_unix_nano"], reverse=True)[:limit]
    if as_json:
        print_json(traces)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(traces)} traces")
    for col in ("trace id", "root span", "service", "spans", "duration ms", "status"):
        table.add_column(col, justify="right" if col in ("spans", "duration ms") else "left")
    for t in traces:
        table.add_row(
            t["trace_id"],
            t["root_name"],
            t.get("service_name") or "",
            str(t["span_count"]),
            f"{t['duration_ms']:.1f}",
            "[red]error[/red]" if t.get("error") else "ok",
        )
    Console().print(table)


@app.command("show")
def show_trace(
    trace_id: str = typer.Argument(..., help="The trace id (32 hex characters)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a tree."),
) -> None:
    """The trace as a tree of spans with their start offset, duration and status."""
    with _receiver() as receiver:
        spans = receiver.spans(trace_id=trace_id)
    if not spans:
        typer.echo(f"no spans for trace {trace_id}", err=True)
        raise typer.Exit(1)
    rows = span_tree(spans)
    if as_json:
        print_json(
            [
                {
                    "depth": r.depth,
                    "name": r.span.name,
                    "span_id": r.span.span_id,
                    "parent_span_id": r.span.parent_span_id,
                    "service": r.span.service_name,
                    "kind": r.span.kind,
                    "offset_ms": round(r.offset_ms, 3),
                    "duration_ms": round(r.duration_ms, 3),
                    "status": r.span.status_code,
                    "attributes": r.span.attributes,
                }
                for r in rows
            ]
        )
        return
    from rich.console import Console
    from rich.tree import Tree

    nodes: dict[str, Tree] = {}
    root = Tree(f"trace [bold]{trace_id}[/bold] ({len(spans)} spans)")
    for row in rows:
        span = row.span
        status = " [red]ERROR[/red]" if span.status_code == "error" else ""
        label = (
            f"[bold]{span.name}[/bold] [dim]{span.service_name or ''} {span.kind}[/dim] "
            f"+{row.offset_ms:.1f} ms, {row.duration_ms:.1f} ms{status}"
        )
        parent = nodes.get(span.parent_span_id or "", root)
        nodes[span.span_id] = parent.add(label)
    Console().print(root)

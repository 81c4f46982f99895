from __future__ import annotations

from verifiedfan.cli._trace import span_tree
from verifiedfan.stack import ReceivedSpan


def span(span_id: str, parent: str | None, start: int, end: int, name: str | None = None) -> ReceivedSpan:
    return ReceivedSpan(
        trace_id="t" * 32,
        span_id=span_id,
        parent_span_id=parent,
        name=name or span_id,
        kind="internal",
        start_time_unix_nano=start,
        end_time_unix_nano=end,
        status_code="unset",
        service_name="svc",
    )


def test_span_tree_orders_depth_first_by_start_time() -> None:
    spans = [
        span("c2", "root", 3_000_000, 4_000_000),
        span("root", None, 1_000_000, 9_000_000),
        span("c1", "root", 2_000_000, 2_500_000),
        span("g1", "c1", 2_100_000, 2_200_000),
    ]
    rows = span_tree(spans)
    assert [(r.depth, r.span.span_id) for r in rows] == [(0, "root"), (1, "c1"), (2, "g1"), (1, "c2")]
    assert rows[0].duration_ms == 8.0
    assert rows[2].offset_ms == 1.1


def test_orphans_are_shown_as_roots() -> None:
    rows = span_tree([span("a", "missing-parent", 0, 1), span("b", None, 5, 6)])
    assert [(r.depth, r.span.span_id) for r in rows] == [(0, "a"), (0, "b")]


def test_empty_trace_has_no_rows() -> None:
    assert span_tree([]) == []

"""Fails while the runtime imports it (an init error)."""

raise RuntimeError("this module cannot be imported")


def handler(event: object, context: object) -> None:  # pragma: no cover - never reached
    return None

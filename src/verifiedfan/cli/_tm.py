"""``vf tm``: look at Ticketmaster users and events, and make presale codes.

``vf tm user TMUO`` (ACOE profile), ``vf tm activity TMUO`` (ARAI activity), ``vf tm events
--keyword K`` (Discovery search), ``vf tm codes --count N [--length L]`` (PACMAN). ``--json`` prints
JSON instead of tables. ``--sandbox`` starts the TM sandboxes in this process and talks to them;
otherwise the clients read their settings from the environment: ``VF_TM_ACCOUNTS_*``
(:class:`~verifiedfan.ticketmaster.TmAccountsSettings`) and ``VF_TM_DISCOVERY_*``
(:class:`TmDiscoveryCliSettings`: ``API_KEY``, ``BASE_URL``). Errors print on stderr (never a
secret) and exit with status 1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import typer
from pydantic_settings import SettingsConfigDict

from verifiedfan.cli._output import emit, print_json
from verifiedfan.errors import VFError
from verifiedfan.http import ApiSettings

app = typer.Typer(help="Ticketmaster users, activity, events and presale codes.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
UseSandbox = Annotated[
    bool, typer.Option("--sandbox", help="Start the TM sandboxes in-process and use them.")
]
T = TypeVar("T")


class TmDiscoveryCliSettings(ApiSettings):
    """``VF_TM_DISCOVERY_API_KEY`` and ``VF_TM_DISCOVERY_BASE_URL`` (default: the public API)."""

    model_config = SettingsConfigDict(env_prefix="VF_TM_DISCOVERY_")

    service_name: str = "tm_discovery"
    base_url: str = "https://app.ticketmaster.com/discovery/v2"


def _plain(value: Any) -> Any:
    return (
        dataclasses.asdict(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type)
        else value
    )


def _guarded(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except VFError as exc:
        sys.stderr.write(f"error: {type(exc).__name__}: {exc}\n")
        raise typer.Exit(1) from None


@contextlib.contextmanager
def _accounts(sandbox: bool) -> Iterator[Any]:
    from verifiedfan.ticketmaster import (
        AcoeCredentials,
        AraiCredentials,
        AuumCredentials,
        SyncTmAccounts,
        TmAccountsSettings,
    )

    if not sandbox:
        with SyncTmAccounts.from_settings(TmAccountsSettings()) as client:
            yield client
        return
    from verifiedfan.testing.sandbox import TmAccountsApp, TmAccountsSandbox

    with (
        TmAccountsSandbox() as running,
        SyncTmAccounts(
            integrator_id="vf-cli",
            auum=AuumCredentials(TmAccountsApp.client_id, TmAccountsApp.client_secret),
            acoe=AcoeCredentials(TmAccountsApp.acoe_client_id),
            arai=AraiCredentials(TmAccountsApp.arai_username, TmAccountsApp.arai_password),
            region_urls=running.region_urls,
        ) as client,
    ):
        yield client


@contextlib.contextmanager
def _discovery(sandbox: bool) -> Iterator[Any]:
    from verifiedfan.ticketmaster import SyncTmDiscovery

    if not sandbox:
        settings = TmDiscoveryCliSettings()
        key = settings.api_key.get_secret_value()
        with SyncTmDiscovery(api_key=key, base_url=settings.resolved_base_url()) as client:
            yield client
        return
    from verifiedfan.testing.sandbox import TmDiscoveryApp, TmDiscoverySandbox

    with (
        TmDiscoverySandbox() as running,
        SyncTmDiscovery(api_key=TmDiscoveryApp.api_key, base_url=running.base_url) as client,
    ):
        yield client


@app.command("user")
def user(tmuo: str, as_json: AsJson = False, sandbox: UseSandbox = False) -> None:
    """The ACOE profile of TMUO (tmuo_<region>_<id>)."""

    def run() -> Any:
        with _accounts(sandbox) as client:
            return client.get_user_info(tmuo)

    profile = _plain(_guarded(run))
    if as_json:
        print_json(profile)
        return
    address = profile.pop("address") or {}
    profile["city"], profile["country"] = address.get("city"), address.get("country")
    emit(f"user {tmuo}", [{"field": k, "value": v} for k, v in profile.items()], as_json=False)


@app.command("activity")
def activity(tmuo: str, as_json: AsJson = False, sandbox: UseSandbox = False) -> None:
    """The ARAI activity of TMUO: attendance, purchases, preferences."""

    def run() -> Any:
        with _accounts(sandbox) as client:
            return client.get_user_activity(tmuo)

    found = _plain(_guarded(run))
    if as_json:
        print_json(found)
        return
    rows = [
        {"kind": "attended", "id": a["event_id"], "what": a["event_name"], "when": a["date"]}
        for a in found["attendance"]
    ]
    for p in found["purchases"]:
        what = f"{p['tickets']} x {p['event_id']} ({p['total']} {p['currency']})"
        rows.append({"kind": "purchase", "id": p["order_id"], "what": what, "when": p["purchased_at"]})
    rows.append({"kind": "genres", "id": "", "what": ", ".join(found["genres"]), "when": ""})
    rows.append({"kind": "artists", "id": "", "what": ", ".join(found["artists"]), "when": ""})
    emit(f"activity {tmuo}", rows, as_json=False)


@app.command("events")
def events(
    keyword: Annotated[str | None, typer.Option("--keyword", help="Search words.")] = None,
    country_code: Annotated[str | None, typer.Option("--country", help="ISO country code.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many events.")] = 20,
    as_json: AsJson = False,
    sandbox: UseSandbox = False,
) -> None:
    """Search Discovery events (up to --limit, default 20)."""

    def run() -> list[Any]:
        with _discovery(sandbox) as client:
            found = client.iter_events(keyword=keyword, country_code=country_code, size=min(limit, 200))
            return list(itertools.islice(found, limit))

    rows = [
        {
            "id": e.id,
            "name": e.name,
            "start": e.start or e.local_date,
            "venue": e.venues[0].name if e.venues else None,
        }
        for e in _guarded(run)
    ]
    emit(f"events {keyword or ''}".strip(), rows, as_json=as_json)


@app.command("codes")
def codes(
    count: Annotated[int, typer.Option("--count", min=1, help="How many codes.")],
    length: Annotated[int, typer.Option("--length", min=1, help="Characters per code.")] = 8,
    as_json: AsJson = False,
) -> None:
    """PACMAN presale codes: distinct, random, free of censored words. One per line."""
    from verifiedfan.ticketmaster import generate_passwords

    made = _guarded(lambda: generate_passwords(count, length))
    if as_json:
        print_json(made)
        return
    sys.stdout.write("".join(f"{code}\n" for code in made))

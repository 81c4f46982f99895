"""``vf sandbox``: run the Spotify and Apple Music sandboxes (``up``) or the Ticketmaster ones
(``tm``: accounts, discovery, orders/users/wallet, SMS) for manual use.

``vf sandbox up`` starts both servers (127.0.0.1), prints their URLs, the sandbox client id/secret
and Apple developer key ids, and tokens for the users asked with ``--token``; it serves until Ctrl-C
(or ``--duration`` seconds). ``--key-file`` writes the Apple developer key (PEM) so a client can be
configured with it. Fault knobs (``--latency``, ``--error-rate``, ``--rate-limit`` per app and window,
``--reset-rate``...) apply from the start and can change later over HTTP (``POST /_sandbox/faults``).
``vf sandbox users`` lists the seeded edge-case users. ``vf sandbox tm`` starts the Ticketmaster
sandboxes (accounts in three regions, Discovery, orders/users/wallet and SMS) the same way.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from verifiedfan.cli._output import emit, print_json
from verifiedfan.testing.sandbox import (
    EDGE_CASE_USERS,
    AppleMusicSandbox,
    Faults,
    SpotifySandbox,
    TmAccountsApp,
    TmAccountsSandbox,
    TmDiscoveryApp,
    TmDiscoverySandbox,
)

app = typer.Typer(help="Run the Spotify and Apple Music sandbox APIs locally.", no_args_is_help=True)

_DESCRIPTIONS = {
    "fan-top-1": "target artist at rank 1, 60 saved tracks of it",
    "fan-rank-10": "target artist at rank 10: a fan by rank",
    "fan-rank-11": "target artist at rank 11: not a fan by default",
    "fan-saved-51": "51 saved tracks of the artist: a fan by saved tracks",
    "fan-saved-50": "exactly 50 saved tracks of the artist: not a fan",
    "no-saved-tracks": "no saved tracks at all",
    "casual-listener": "40 saved tracks of other artists",
    "heavy-saver": "320 saved tracks of other artists (many pages)",
    "follower": "follows the artist, rank 15, 10 saved tracks",
    "expired-token": "tokens are minted already expired",
}


@app.command("users")
def users(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the seeded edge-case users (crowd users are user-000000, user-000001...)."""
    emit(
        "Sandbox users",
        [{"user": u, "what": _DESCRIPTIONS.get(u, "")} for u in EDGE_CASE_USERS],
        as_json=as_json,
    )


@app.command("up")
def up(
    spotify_port: Annotated[int, typer.Option(help="Spotify sandbox port (0: any free port).")] = 0,
    apple_port: Annotated[int, typer.Option(help="Apple Music sandbox port (0: any free port).")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the catalog and users.")] = 7,
    latency: Annotated[float, typer.Option(help="Seconds added to every API answer.")] = 0.0,
    error_rate: Annotated[float, typer.Option(help="Fraction of API requests answered 503.")] = 0.0,
    rate_limit_rate: Annotated[float, typer.Option(help="Fraction answered 429.")] = 0.0,
    retry_after: Annotated[float, typer.Option(help="Retry-After of the 429s, in seconds.")] = 1.0,
    rate_limit: Annotated[
        int, typer.Option(help="Requests per app per rolling --rate-limit-window (0: no limit).")
    ] = 0,
    rate_limit_window: Annotated[float, typer.Option(help="The rate limit's window, in seconds.")] = 30.0,
    reset_rate: Annotated[float, typer.Option(help="Fraction of connections reset (TCP RST).")] = 0.0,
    token: Annotated[list[str] | None, typer.Option("--token", help="Mint tokens for this user.")] = None,
    key_file: Annotated[Path | None, typer.Option(help="Write the Apple developer key (PEM) here.")] = None,
    duration: Annotated[float | None, typer.Option(help="Serve this many seconds, then stop.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Start both sandboxes and serve until interrupted."""
    faults = Faults(
        latency=latency,
        error_rate=error_rate,
        rate_limit_rate=rate_limit_rate,
        retry_after=retry_after,
        rate_limit=rate_limit,
        rate_limit_window=rate_limit_window,
        reset_rate=reset_rate,
    )
    with (
        SpotifySandbox(port=spotify_port, seed=seed, faults=faults) as spotify,
        AppleMusicSandbox(port=apple_port, seed=seed, faults=faults) as apple,
    ):
        key = apple.developer_key
        if key_file is not None:
            key_file.write_text(key.private_key)
            key_file.chmod(0o600)
        target = spotify.target_artist
        info: dict[str, Any] = {
            "spotify": {
                "api_url": spotify.api_url,
                "accounts_url": spotify.accounts_url,
                "client_id": spotify.client_id,
                "client_secret": spotify.client_secret,
            },
            "apple_music": {"api_url": apple.api_url, "team_id": key.team_id, "key_id": key.key_id},
            "target_artist": {"name": target.name, "ids": sorted(target.ids)},
            "tokens": [],
        }
        for user in token or []:
            spotify_token = spotify.mint_token(user)
            info["tokens"].append(
                {
                    "user": user,
                    "spotify_access_token": spotify_token.access_token,
                    "spotify_refresh_token": spotify_token.refresh_token,
                    "apple_music_user_token": apple.mint_token(user).access_token,
                }
            )
        if as_json:
            print_json(info)
        else:
            rows = [
                {"what": "spotify api/accounts url", "value": spotify.api_url},
                {
                    "what": "spotify client id / secret",
                    "value": f"{spotify.client_id} / {spotify.client_secret}",
                },
                {"what": "apple music api url", "value": apple.api_url},
                {"what": "apple team id / key id", "value": f"{key.team_id} / {key.key_id}"},
                {"what": "target artist", "value": f"{target.name} ({', '.join(sorted(target.ids))})"},
            ]
            for t in info["tokens"]:
                rows.append(
                    {
                        "what": f"{t['user']}: spotify access / refresh",
                        "value": f"{t['spotify_access_token']} / {t['spotify_refresh_token']}",
                    }
                )
                rows.append(
                    {"what": f"{t['user']}: apple music user token", "value": t["apple_music_user_token"]}
                )
            emit("Sandboxes (Ctrl-C to stop)", rows, as_json=False)
        _serve(duration)


def _serve(duration: float | None) -> None:
    deadline = None if duration is None else time.monotonic() + duration
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic())))
    except KeyboardInterrupt:
        typer.echo("stopping the sandboxes", err=True)


@app.command("tm")
def tm(
    seed: Annotated[int, typer.Option(help="Seed of the sandboxes.")] = 7,
    latency: Annotated[float, typer.Option(help="Seconds added to every API answer.")] = 0.0,
    error_rate: Annotated[float, typer.Option(help="Fraction of API requests answered 503.")] = 0.0,
    rate_limit: Annotated[
        int, typer.Option(help="Requests per app per rolling --rate-limit-window (0: no limit).")
    ] = 0,
    rate_limit_window: Annotated[float, typer.Option(help="The rate limit's window, in seconds.")] = 1.0,
    duration: Annotated[float | None, typer.Option(help="Serve this many seconds, then stop.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Start the Ticketmaster sandboxes (accounts, discovery, orders/users/wallet, SMS) and serve."""
    from verifiedfan.testing.sandbox import (
        TmCommerceSandbox,
        TmSmsApp,
        TmSmsSandbox,
    )

    faults = Faults(
        latency=latency, error_rate=error_rate, rate_limit=rate_limit, rate_limit_window=rate_limit_window
    )
    with (
        TmAccountsSandbox(seed=seed, faults=faults) as accounts,
        TmDiscoverySandbox(seed=seed, faults=faults) as discovery,
        TmCommerceSandbox(seed=seed, faults=faults) as commerce,
        TmSmsSandbox(seed=seed, faults=faults) as sms,
    ):
        info: dict[str, Any] = {
            "accounts": {
                "region_urls": accounts.region_urls,
                "auum_client_id": TmAccountsApp.client_id,
                "auum_client_secret": TmAccountsApp.client_secret,
                "acoe_client_id": TmAccountsApp.acoe_client_id,
                "arai_username": TmAccountsApp.arai_username,
                "arai_password": TmAccountsApp.arai_password,
            },
            "commerce": {"region_urls": commerce.region_urls},
            "discovery": {"base_url": discovery.base_url, "api_key": TmDiscoveryApp.api_key},
            "sms": {
                "base_url": sms.url,
                "client_id": TmSmsApp.client_id,
                "client_secret": TmSmsApp.client_secret,
            },
        }
        if as_json:
            print_json(info)
        else:
            auum = f"{TmAccountsApp.client_id} / {TmAccountsApp.client_secret}"
            arai = f"{TmAccountsApp.arai_username} / {TmAccountsApp.arai_password}"
            rows = [
                {"what": "accounts (AUUM/ACOE/ARAI) us", "value": accounts.region_urls["us"]},
                {"what": "orders/users/wallet us", "value": commerce.region_urls["us"]},
                {"what": "discovery base url", "value": discovery.base_url},
                {"what": "discovery api key", "value": TmDiscoveryApp.api_key},
                {"what": "sms base url", "value": sms.url},
                {"what": "AUUM client id / secret", "value": auum},
                {"what": "ACOE client id", "value": TmAccountsApp.acoe_client_id},
                {"what": "ARAI user / password", "value": arai},
                {
                    "what": "SMS client id / secret",
                    "value": f"{TmSmsApp.client_id} / {TmSmsApp.client_secret}",
                },
            ]
            emit("Ticketmaster sandboxes (Ctrl-C to stop; /eu and /apac beside /us)", rows, as_json=False)
        _serve(duration)


@app.command("partners")
def partners(
    seed: Annotated[int, typer.Option(help="Seed of the sandboxes.")] = 7,
    latency: Annotated[float, typer.Option(help="Seconds added to every API answer.")] = 0.0,
    error_rate: Annotated[float, typer.Option(help="Fraction of API requests answered 503.")] = 0.0,
    duration: Annotated[float | None, typer.Option(help="Serve this many seconds, then stop.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Start the partner sandboxes (PagerDuty Events API v2, Salesforce Marketing Cloud, Slack,
    Fastly, Bitly, Facebook Graph) and serve."""
    from verifiedfan.testing.sandbox import (
        BitlySandbox,
        FacebookSandbox,
        FastlySandbox,
        PagerDutySandbox,
        SfmcSandbox,
        SlackSandbox,
    )

    faults = Faults(latency=latency, error_rate=error_rate)
    with (
        PagerDutySandbox(seed=seed, faults=faults) as pagerduty,
        SfmcSandbox(seed=seed, faults=faults) as sfmc,
        SlackSandbox(seed=seed, faults=faults) as slack,
        FastlySandbox(seed=seed, faults=faults) as fastly,
        BitlySandbox(seed=seed, faults=faults) as bitly,
        FacebookSandbox(seed=seed, faults=faults) as facebook,
    ):
        info: dict[str, Any] = {
            "pagerduty": {"base_url": pagerduty.url, "routing_key": pagerduty.routing_key},
            "sfmc": {
                "auth_base_url": sfmc.url,
                "client_id": sfmc.client_id,
                "client_secret": sfmc.client_secret,
                "account_id": sfmc.account_id,
            },
            "slack": {
                "base_url": slack.api_url,
                "token": slack.bot_token,
                "webhook_url": slack.webhook_url,
            },
            "fastly": {"base_url": fastly.url, "api_key": fastly.api_key, "service_id": fastly.service_id},
            "bitly": {"base_url": bitly.url, "api_key": bitly.access_token, "group_guid": bitly.group_guid},
            "facebook": {
                "base_url": facebook.url,
                "app_id": facebook.app_id,
                "app_secret": facebook.app_secret,
            },
        }
        if as_json:
            print_json(info)
        else:
            rows = [
                {"what": "pagerduty base url (VF_PAGERDUTY_BASE_URL)", "value": pagerduty.url},
                {"what": "pagerduty routing key (VF_PAGERDUTY_ROUTING_KEY)", "value": pagerduty.routing_key},
                {"what": "sfmc auth url (VF_SFMC_AUTH_BASE_URL)", "value": sfmc.url},
                {
                    "what": "sfmc client id / secret (VF_SFMC_CLIENT_ID, _SECRET)",
                    "value": f"{sfmc.client_id} / {sfmc.client_secret}",
                },
                {"what": "sfmc account id (VF_SFMC_ACCOUNT_ID)", "value": sfmc.account_id},
                {"what": "slack web api (VF_SLACK_BASE_URL)", "value": slack.api_url},
                {"what": "slack bot token (VF_SLACK_TOKEN)", "value": slack.bot_token},
                {"what": "slack webhook (VF_SLACK_WEBHOOK_URL)", "value": slack.webhook_url},
                {"what": "fastly base url (VF_FASTLY_BASE_URL)", "value": fastly.url},
                {"what": "fastly api key (VF_FASTLY_API_KEY)", "value": fastly.api_key},
                {"what": "fastly service id (VF_FASTLY_SERVICE_ID)", "value": fastly.service_id},
                {"what": "bitly base url (VF_BITLY_BASE_URL)", "value": bitly.url},
                {"what": "bitly token (VF_BITLY_API_KEY)", "value": bitly.access_token},
                {"what": "bitly group (VF_BITLY_GROUP_GUID)", "value": bitly.group_guid},
                {"what": "facebook graph (VF_FACEBOOK_BASE_URL)", "value": facebook.url},
                {"what": "facebook app id (VF_FACEBOOK_CLIENT_ID)", "value": facebook.app_id},
                {"what": "facebook app secret (VF_FACEBOOK_CLIENT_SECRET)", "value": facebook.app_secret},
            ]
            emit("Partner sandboxes (Ctrl-C to stop)", rows, as_json=False)
        _serve(duration)

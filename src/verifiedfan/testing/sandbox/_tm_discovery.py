"""The Discovery API v2 sandbox: HAL-shaped events, attractions and venues from a seeded catalogue.

It answers as the public API documents: the key in the ``apikey`` query parameter (a bad key is a 401
with the ``oauth.v2.InvalidApiKey`` fault body), ``_embedded``/``_links``/``page`` on searches, the
deep-paging refusal (a 400 ``DIS1035`` past the 1,000th item), and 429 "Rate limit quota violation"
once the key's quota (``quota``, per sandbox) is used. The framework's ``rate_limit`` fault knob gives
the per-key requests-per-second limit (``Faults(rate_limit=5, rate_limit_window=1.0)``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["TmDiscoveryApp", "TmDiscoverySandbox"]

_ARTISTS = ["The Testers", "Sandbox Symphony", "Loopback Lovers", "Null Pointers", "Async Echo"]
_GENRES = [("Music", "Rock"), ("Music", "Pop"), ("Sports", "Basketball"), ("Arts & Theatre", "Theatre")]
_CITIES = [
    ("New York", "US", "10001"),
    ("Paris", "FR", "75004"),
    ("London", "GB", "WC2N"),
    ("Tokyo", "JP", "100"),
]


def _classification(i: int) -> list[dict[str, Any]]:
    segment, genre = _GENRES[i % len(_GENRES)]
    return [
        {
            "primary": True,
            "segment": {"id": f"seg{i % 4}", "name": segment},
            "genre": {"id": f"g{i % 4}", "name": genre},
        }
    ]


class TmDiscoveryApp(SandboxApp):
    kind: ClassVar[str] = "tm_discovery"
    api_key = "sandbox-discovery-key"

    def __init__(self, *, events: int = 1500, quota: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.quota = quota  # 0: no daily quota
        self.venues: list[dict[str, Any]] = [
            {
                "id": f"KovZ{i:04d}",
                "name": f"{city} Arena",
                "type": "venue",
                "postalCode": postal,
                "city": {"name": city},
                "country": {"countryCode": country},
                "_links": {"self": {"href": f"/discovery/v2/venues/KovZ{i:04d}"}},
            }
            for i, (city, country, postal) in enumerate(_CITIES)
        ]
        self.attractions: list[dict[str, Any]] = [
            {
                "id": f"K8vZ{i:04d}",
                "name": name,
                "type": "attraction",
                "url": f"https://tm.example/a/{i}",
                "classifications": _classification(i),
                "_links": {"self": {"href": f"/discovery/v2/attractions/K8vZ{i:04d}"}},
            }
            for i, name in enumerate(_ARTISTS)
        ]
        self.events = [self._event(i) for i in range(events)]
        self.by_id = {e["id"]: e for e in self.events}

    def _event(self, i: int) -> dict[str, Any]:
        attraction = self.attractions[i % len(self.attractions)]
        venue = self.venues[i % len(self.venues)]
        day = 1 + i % 28
        return {
            "id": f"vvG1{i:06d}",
            "name": f"{attraction['name']} Live {i}",
            "type": "event",
            "url": f"https://tm.example/e/{i}",
            "dates": {
                "start": {"localDate": f"2027-03-{day:02d}", "dateTime": f"2027-03-{day:02d}T20:00:00Z"},
                "status": {"code": "onsale"},
            },
            "classifications": _classification(i),
            "_links": {"self": {"href": f"/discovery/v2/events/vvG1{i:06d}"}},
            "_embedded": {"venues": [venue], "attractions": [attraction]},
        }

    # -- the API's own answers ----------------------------------------------------------------------
    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        return Response.json(
            {"errors": [{"code": f"DIS{status}", "detail": message, "status": str(status)}]}, status, headers
        )

    def app_key(self, request: Request) -> str | None:
        return request.query.get("apikey")

    def info(self) -> dict[str, Any]:
        return {**super().info(), "api_key": self.api_key, "events": len(self.events)}

    def _checked(self, request: Request) -> Response | None:
        if request.query.get("apikey") != self.api_key:
            fault = {
                "fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}
            }
            return Response.json(fault, 401)
        self.counters["key_requests"] += 1
        if self.quota and self.counters["key_requests"] > self.quota:
            return Response(
                429, b"Rate limit quota violation. Quota limit exceeded.", content_type="text/plain"
            )
        return None

    def _page(self, request: Request, items: list[dict[str, Any]], key: str, path: str) -> Response:
        try:
            size = int(request.query.get("size", "20"))
            number = int(request.query.get("page", "0"))
        except ValueError:
            return self.error(400, "size and page must be integers")
        if not 1 <= size <= 200 or number < 0:
            return self.error(400, "size must be 1-200 and page >= 0")
        if (number + 1) * size > 1000:
            return Response.json(
                {
                    "errors": [
                        {
                            "code": "DIS1035",
                            "status": "400",
                            "detail": "API Limits Exceeded: Max paging depth exceeded. "
                            "(page * size) must be less than 1,000",
                        }
                    ]
                },
                400,
            )
        total = len(items)
        pages = (total + size - 1) // size
        chunk = items[number * size : (number + 1) * size]
        body: dict[str, Any] = {
            "_links": {"self": {"href": f"/discovery/v2/{path}?page={number}&size={size}"}},
            "page": {"size": size, "totalElements": total, "totalPages": pages, "number": number},
        }
        if chunk:
            body["_embedded"] = {key: chunk}
        if number + 1 < pages:
            body["_links"]["next"] = {"href": f"/discovery/v2/{path}?page={number + 1}&size={size}"}
        return Response.json(body)

    @route("GET", "/discovery/v2/events.json")
    def events_search(self, request: Request) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        keyword = request.query.get("keyword", "").lower()
        country = request.query.get("countryCode")
        found = [
            e
            for e in self.events
            if keyword in e["name"].lower()
            and (country is None or e["_embedded"]["venues"][0]["country"]["countryCode"] == country)
        ]
        return self._page(request, found, "events", "events.json")

    @route("GET", "/discovery/v2/events/{event_id}.json")
    def event(self, request: Request, event_id: str) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        event = self.by_id.get(event_id)
        return (
            Response.json(event)
            if event
            else self.error(404, f"Resource not found with provided criteria (locale=en-us, id={event_id})")
        )

    @route("GET", "/discovery/v2/attractions.json")
    def attractions_search(self, request: Request) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        keyword = request.query.get("keyword", "").lower()
        return self._page(
            request,
            [a for a in self.attractions if keyword in a["name"].lower()],
            "attractions",
            "attractions.json",
        )

    @route("GET", "/discovery/v2/attractions/{attraction_id}.json")
    def attraction(self, request: Request, attraction_id: str) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        found = next((a for a in self.attractions if a["id"] == attraction_id), None)
        return Response.json(found) if found else self.error(404, "Resource not found")

    @route("GET", "/discovery/v2/venues.json")
    def venues_search(self, request: Request) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        keyword = request.query.get("keyword", "").lower()
        return self._page(
            request, [v for v in self.venues if keyword in v["name"].lower()], "venues", "venues.json"
        )

    @route("GET", "/discovery/v2/venues/{venue_id}.json")
    def venue(self, request: Request, venue_id: str) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        found = next((v for v in self.venues if v["id"] == venue_id), None)
        return Response.json(found) if found else self.error(404, "Resource not found")

    @route("GET", "/discovery/v2/classifications.json")
    def classifications(self, request: Request) -> Response:
        refused = self._checked(request)
        if refused:
            return refused
        segments = sorted({seg for seg, _ in _GENRES})
        items = [{"segment": {"id": f"seg{i}", "name": name}} for i, name in enumerate(segments)]
        return Response.json(
            {
                "_embedded": {"classifications": items},
                "page": {"size": 20, "totalElements": len(items), "totalPages": 1, "number": 0},
            }
        )


class TmDiscoverySandbox(ApiSandbox):
    """A running :class:`TmDiscoveryApp`; ``base_url`` is what ``TmDiscovery(base_url=...)`` takes."""

    app_class = TmDiscoveryApp

    @property
    def base_url(self) -> str:
        return f"{self.url}/discovery/v2"

"""Small utilities ported from ``@verifiedfan/date``, ``delay``, ``map-utils``, ``batch-fn``,
``crypto``, ``object-utils`` and ``locale``: only what adds value over the standard library
(see ``README.md`` in this folder for what maps to what).
"""

from verifiedfan.utils._aio import DEFAULT_CONCURRENCY, delay, map_async_parallel, map_async_serial
from verifiedfan.utils._cache import TtlCache
from verifiedfan.utils._data import batches, clean, flatten
from verifiedfan.utils._date import (
    TimeUnits,
    is_not_within_ttl,
    is_within_ttl,
    millis_elapsed_since,
    now,
    parse,
    time_in_milliseconds,
    time_in_seconds,
    to_hours,
    to_iso_string,
    to_milliseconds,
    to_seconds,
    to_seconds_from_millis,
    tomorrow,
    yesterday,
)
from verifiedfan.utils._ids import simple_unique_id, uuid
from verifiedfan.utils._locale import (
    LANGUAGES_BY_COUNTRY,
    ORIGINAL_COUNTRIES,
    Country,
    Locale,
    get_fallback_locale,
)
from verifiedfan.utils._streams import (
    DEFAULT_CSV_CHUNK_SIZE,
    CsvWriter,
    abatches,
    aflatten,
    aiter_csv,
    aiter_lines,
    awrite_csv,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_CSV_CHUNK_SIZE",
    "LANGUAGES_BY_COUNTRY",
    "ORIGINAL_COUNTRIES",
    "Country",
    "CsvWriter",
    "Locale",
    "TimeUnits",
    "TtlCache",
    "abatches",
    "aflatten",
    "aiter_csv",
    "aiter_lines",
    "awrite_csv",
    "batches",
    "clean",
    "delay",
    "flatten",
    "get_fallback_locale",
    "is_not_within_ttl",
    "is_within_ttl",
    "map_async_parallel",
    "map_async_serial",
    "millis_elapsed_since",
    "now",
    "parse",
    "simple_unique_id",
    "time_in_milliseconds",
    "time_in_seconds",
    "to_hours",
    "to_iso_string",
    "to_milliseconds",
    "to_seconds",
    "to_seconds_from_millis",
    "tomorrow",
    "uuid",
    "yesterday",
]

"""The web layer of a service, pure ASGI: the successor of the Koa ``middlewares`` and ``access-log``.

No framework is imported here, so FastAPI, Starlette and Litestar apps (or a bare ASGI callable)
all use the same middlewares. Their order, outermost first::

    CorrelationMiddleware -> TracingMiddleware -> AccessLogMiddleware -> RequestMetricsMiddleware
    -> ErrorFormatterMiddleware -> RequestLimitsMiddleware -> JwtMiddleware -> app

:func:`with_middlewares` adds them all in that order. Input helpers: :class:`SchemaValidator`
(JSON schema with a ``$ref`` registry), the query-parameter readers (``int_param``...), and
:func:`render_template` for email and SMS text. FastAPI dependencies live in
:mod:`verifiedfan.web.fastapi` (extra ``web``).
"""

from verifiedfan.web._access_log import ACCESS_LOGGER, AccessLogMiddleware, client_ip
from verifiedfan.web._asgi import asgi_route, error_body, send_error, send_json, state_of
from verifiedfan.web._body import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_HEADER_BYTES,
    HasBody,
    HeadersTooLargeError,
    RequestLimitsMiddleware,
    json_body,
    parse_json,
    read_body,
)
from verifiedfan.web._correlation import MAX_CORRELATION_ID_LENGTH, CorrelationMiddleware, sane_correlation_id
from verifiedfan.web._errors import (
    INTERNAL_ERROR_MESSAGE,
    ErrorFormatterMiddleware,
    PayloadTooLargeError,
    bad_request,
)
from verifiedfan.web._jwt import (
    CLAIMS_KEY,
    QUERY_TOKEN_PARAMS,
    WORKER_KEY,
    JwtMiddleware,
    bearer_token,
    jwt_lazy,
)
from verifiedfan.web._metrics import UNMATCHED_ROUTE, RequestMetricsMiddleware
from verifiedfan.web._params import (
    Page,
    bool_param,
    choice_param,
    int_param,
    list_param,
    object_id_param,
    page_params,
    str_param,
)
from verifiedfan.web._schema import (
    DEFAULT_BASE_URI,
    SchemaIssue,
    SchemaValidationError,
    SchemaValidator,
    json_path,
)
from verifiedfan.web._stack import with_middlewares
from verifiedfan.web._templates import render_template, template_variables

__all__ = [
    "ACCESS_LOGGER",
    "CLAIMS_KEY",
    "DEFAULT_BASE_URI",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_HEADER_BYTES",
    "INTERNAL_ERROR_MESSAGE",
    "MAX_CORRELATION_ID_LENGTH",
    "QUERY_TOKEN_PARAMS",
    "UNMATCHED_ROUTE",
    "WORKER_KEY",
    "AccessLogMiddleware",
    "CorrelationMiddleware",
    "ErrorFormatterMiddleware",
    "HasBody",
    "HeadersTooLargeError",
    "JwtMiddleware",
    "Page",
    "PayloadTooLargeError",
    "RequestLimitsMiddleware",
    "RequestMetricsMiddleware",
    "SchemaIssue",
    "SchemaValidationError",
    "SchemaValidator",
    "TracingMiddleware",
    "asgi_route",
    "bad_request",
    "bearer_token",
    "bool_param",
    "choice_param",
    "client_ip",
    "error_body",
    "int_param",
    "json_body",
    "json_path",
    "jwt_lazy",
    "list_param",
    "object_id_param",
    "page_params",
    "parse_json",
    "read_body",
    "render_template",
    "sane_correlation_id",
    "send_error",
    "send_json",
    "state_of",
    "str_param",
    "template_variables",
    "with_middlewares",
]


def __getattr__(name: str) -> object:
    # TracingMiddleware needs OpenTelemetry (extra ``tracing``): imported only when asked for.
    if name == "TracingMiddleware":
        from verifiedfan.web._tracing import TracingMiddleware

        return TracingMiddleware
    raise AttributeError(name)

"""The sandbox's ASGI app: the TAS start-process endpoint with bearer auth and validation.

It validates a request as TAS is documented to: every key of ``data`` must be a template
variable, numbers must be numbers, dates ``YYYY-MM-DD``, LOV values from the list. On any
error it responds with an error status and stores nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import simplejson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tas_import.client import START_PROCESS_PATH
from tas_import.i18n import _
from tas_import.sandbox.faults import Fault, FaultChooser, FaultPlan
from tas_import.sandbox.store import CaseStore, encode_data
from tas_import.templates import Template, TemplateVariable

logger = logging.getLogger(__name__)

HEALTH_PATH = "/api/health"

_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Rejection(Exception):
    """A request TAS would reject: the HTTP status, an error code and a message."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


@dataclass
class _Sandbox:
    templates: dict[int, Template]
    store: CaseStore
    token: str
    faults: FaultPlan
    chooser: FaultChooser


def create_app(
    templates: dict[int, Template], store: CaseStore, token: str, faults: FaultPlan | None
) -> Starlette:
    """Build the app; ``faults=None`` injects none."""
    plan = faults or FaultPlan()
    sandbox = _Sandbox(templates, store, token, plan, plan.chooser())

    async def start_process(request: Request) -> Response:
        return await _start_process(sandbox, request)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [
        Route(START_PROCESS_PATH, start_process, methods=["POST"]),
        Route(HEALTH_PATH, health, methods=["GET"]),
    ]
    return Starlette(routes=routes)


async def _start_process(sandbox: _Sandbox, request: Request) -> Response:
    if sandbox.faults.latency_ms:
        await asyncio.sleep(sandbox.faults.latency_ms / 1000)

    if not _has_valid_token(request, sandbox.token):
        return _error_response(
            401,
            "UNAUTHORIZED",
            _("Missing or invalid bearer token."),
            headers={"WWW-Authenticate": "Bearer"},
        )

    fault = sandbox.chooser.next_fault()
    body = await request.body()
    early = await _early_fault(sandbox, request, fault, body)
    if early is not None:
        return early

    try:
        process_id, data = _parse_body(body)
        _validate(sandbox.templates, process_id, data)
    except _Rejection as rejection:
        logger.info("start-process rejected: %s %s", rejection.status, rejection.error)
        return _error_response(rejection.status, rejection.error, rejection.message)

    case_id = sandbox.store.create_case(process_id, data)
    logger.info("case %d created for process %d", case_id, process_id)

    if fault in (Fault.DROP_AFTER_COMMIT, Fault.SLOW_AFTER_COMMIT):
        sandbox.store.record_fault(fault.value, case_id=case_id, process_id=process_id, data=data)
    if fault is Fault.DROP_AFTER_COMMIT:
        return await _drop_connection(request)
    if fault is Fault.SLOW_AFTER_COMMIT:
        await asyncio.sleep(sandbox.faults.slow_seconds)

    # NOTE: the real response body of start-process is undocumented; this shape is a guess
    # that the client's case id lookup (``id`` first) understands.
    return _json_response(200, {"id": case_id, "processId": process_id, "message": "Case created"})


async def _early_fault(
    sandbox: _Sandbox, request: Request, fault: Fault, body: bytes
) -> Response | None:
    """Apply a fault that ends the request before validation; None when there is none."""
    if fault in (Fault.NONE, Fault.DROP_AFTER_COMMIT, Fault.SLOW_AFTER_COMMIT):
        return None

    process_id, data = _request_for_record(body)
    sandbox.store.record_fault(fault.value, process_id=process_id, data=data)
    retry_after = {"Retry-After": str(sandbox.faults.retry_after_seconds)}
    if fault is Fault.ERROR_500:
        return _error_response(500, "INTERNAL_ERROR", _("Injected server error."))
    if fault is Fault.BUSY_503:
        return _error_response(
            503, "SERVICE_UNAVAILABLE", _("Injected overload, try later."), headers=retry_after
        )
    if fault is Fault.THROTTLE_429:
        return _error_response(
            429, "TOO_MANY_REQUESTS", _("Injected rate limit, try later."), headers=retry_after
        )
    return await _drop_connection(request)


def _request_for_record(body: bytes) -> tuple[int | None, dict[str, Any] | None]:
    """Return the processId and data of a body, as far as they can be read, for the fault log."""
    try:
        parsed = simplejson.loads(body, use_decimal=True)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(parsed, dict):
        return None, None

    process_id = parsed.get("processId")
    data = parsed.get("data")
    return (
        process_id if isinstance(process_id, int) and not isinstance(process_id, bool) else None,
        data if isinstance(data, dict) else None,
    )


async def _drop_connection(request: Request) -> Response:
    """Close the TCP connection without any HTTP response.

    Uvicorn's ``receive`` callable is a bound method of its request cycle, which has the
    connection's asyncio transport; aborting it sends a TCP reset. This relies on uvicorn
    internals (checked with uvicorn 0.55, h11 and httptools protocols).
    """
    cycle = getattr(request.receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if not isinstance(transport, asyncio.Transport):
        logger.error("cannot drop the connection: no transport on %r", cycle)
        return _error_response(500, "INTERNAL_ERROR", _("The sandbox cannot drop connections."))

    transport.abort()
    # Let the protocol's connection_lost run, so uvicorn discards the response below.
    for _step in range(3):
        await asyncio.sleep(0)
    return Response(status_code=500)


def _has_valid_token(request: Request, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _space, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return False
    return hmac.compare_digest(credentials.strip().encode(), token.encode())


def _parse_body(body: bytes) -> tuple[int, dict[str, Any]]:
    try:
        parsed = simplejson.loads(body, use_decimal=True)
    except (ValueError, UnicodeDecodeError) as error:
        raise _Rejection(
            400, "INVALID_JSON", _("The body is not valid UTF-8 JSON: {error}", error=error)
        ) from error

    if not isinstance(parsed, dict):
        raise _Rejection(400, "INVALID_BODY", _("The body must be a JSON object."))
    process_id = parsed.get("processId")
    if isinstance(process_id, bool) or not isinstance(process_id, int):
        raise _Rejection(400, "INVALID_BODY", _("processId must be an integer."))
    data = parsed.get("data", {})
    if not isinstance(data, dict):
        raise _Rejection(400, "INVALID_BODY", _("data must be a JSON object."))
    return process_id, data


def _validate(templates: dict[int, Template], process_id: int, data: dict[str, Any]) -> None:
    template = templates.get(process_id)
    if template is None:
        raise _Rejection(
            404,
            "PROCESS_NOT_FOUND",
            _("No template with processId {process_id}.", process_id=process_id),
        )

    for name, value in data.items():
        # NOTE: TAS accepts system flags such as _isCaseCreatedByAPI beside the template's
        # variables; which flags exist is undocumented, so every key starting with "_" passes.
        if name.startswith("_"):
            continue
        variable = template.variables.get(name)
        if variable is None:
            raise _Rejection(
                400,
                "UNKNOWN_VARIABLE",
                _(
                    "Template {process_id} has no variable {name}.",
                    process_id=process_id,
                    name=name,
                ),
            )
        problem = _value_problem(variable, value)
        if problem is not None:
            raise _Rejection(
                400,
                "INVALID_VALUE",
                _("Variable {name}: {problem}", name=name, problem=problem),
            )


def _value_problem(variable: TemplateVariable, value: Any) -> str | None:
    """Return why ``value`` does not fit the variable, or None when it fits."""
    shown = encode_data({"v": value})[5:-1]
    if variable.type == "number":
        is_number = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        if not is_number:
            return _("{value} is not a JSON number.", value=shown)
        return None

    if not isinstance(value, str):
        return _("{value} is not a JSON string.", value=shown)
    if variable.type == "date" and not _is_iso_date(value):
        return _("{value} is not a date in the form YYYY-MM-DD.", value=shown)
    if variable.type == "lov" and value not in (variable.values or []):
        return _(
            "{value} is not one of {values}.", value=shown, values=", ".join(variable.values or [])
        )
    return None


def _is_iso_date(value: str) -> bool:
    if not _DATE_PATTERN.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _error_response(
    status: int, error: str, message: str, *, headers: dict[str, str] | None = None
) -> Response:
    # NOTE: the error body shape {"error", "message"} is a guess; TAS documents no errors.
    return _json_response(status, {"error": error, "message": message}, headers=headers)


def _json_response(
    status: int, content: dict[str, Any], *, headers: dict[str, str] | None = None
) -> Response:
    body = simplejson.dumps(content, use_decimal=True, ensure_ascii=False)
    return Response(body, status_code=status, headers=headers, media_type="application/json")

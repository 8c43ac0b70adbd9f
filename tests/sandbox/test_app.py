"""The sandbox endpoint over real sockets: auth, validation, storage of exact values."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tas_import.client import START_PROCESS_PATH

# The embedded sandbox fixture of tests/conftest.py.
SandboxFactory = Callable[..., Any]

VALID_DATA: dict[str, Any] = {
    "employeeNumber": "E1",
    "fullName": "Žofie Nováková",
    "startDate": "2026-12-31",
    "salary": Decimal("1234.50"),
    "department": "IT",
}


def post(url: str, body: bytes | str, token: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    content = body.encode() if isinstance(body, str) else body
    return httpx.post(url + START_PROCESS_PATH, content=content, headers=headers, timeout=10)


def test_valid_case_stored_exactly(sandbox: SandboxFactory) -> None:
    running = sandbox()
    body = (
        '{"processId":27,"data":{"employeeNumber":"E1","fullName":"Žofie Nováková",'
        '"startDate":"2026-12-31","salary":1234.50,"department":"IT",'
        '"_isCaseCreatedByAPI":"true"}}'
    )

    response = post(running.url, body, running.token)

    assert response.status_code == 200
    assert response.json() == {"id": 1, "processId": 27, "message": "Case created"}
    [case] = running.cases()
    assert case["case_id"] == 1
    assert case["process_id"] == 27
    assert case["data"] == {**VALID_DATA, "_isCaseCreatedByAPI": "true"}
    assert str(case["data"]["salary"]) == "1234.50"


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_bad_token_401(sandbox: SandboxFactory, token: str | None) -> None:
    running = sandbox()

    response = post(running.url, '{"processId":27,"data":{}}', token)

    assert response.status_code == 401
    assert response.json()["error"] == "UNAUTHORIZED"
    assert running.cases() == []


def test_health_unauthenticated(sandbox: SandboxFactory) -> None:
    running = sandbox()

    response = httpx.get(running.url + "/api/health", timeout=10)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "error", "fragment"),
    [
        ('{"processId":99,"data":{}}', 404, "PROCESS_NOT_FOUND", "99"),
        ('{"processId":27,"data":{"nickname":"x"}}', 400, "UNKNOWN_VARIABLE", "nickname"),
        ('{"processId":27,"data":{"salary":"1 234,50"}}', 400, "INVALID_VALUE", "salary"),
        ('{"processId":27,"data":{"salary":true}}', 400, "INVALID_VALUE", "salary"),
        ('{"processId":27,"data":{"startDate":"31.12.2026"}}', 400, "INVALID_VALUE", "YYYY"),
        ('{"processId":27,"data":{"startDate":"2026-02-30"}}', 400, "INVALID_VALUE", "YYYY"),
        ('{"processId":27,"data":{"department":"Sales"}}', 400, "INVALID_VALUE", "HR, IT"),
        ('{"processId":27,"data":{"employeeNumber":42}}', 400, "INVALID_VALUE", "string"),
        ('{"processId":27,"data":{"fullName":null}}', 400, "INVALID_VALUE", "string"),
        ('{"processId":"27","data":{}}', 400, "INVALID_BODY", "processId"),
        ('{"processId":27,"data":[]}', 400, "INVALID_BODY", "data"),
        ("[1]", 400, "INVALID_BODY", "object"),
        ("{not json", 400, "INVALID_JSON", "JSON"),
    ],
)
def test_invalid_request_rejected(
    sandbox: SandboxFactory, body: str, status: int, error: str, fragment: str
) -> None:
    running = sandbox()

    response = post(running.url, body, running.token)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert fragment in response.json()["message"]
    assert running.cases() == []


def test_valid_values_after_invalid_one_not_stored(sandbox: SandboxFactory) -> None:
    running = sandbox()
    body = '{"processId":27,"data":{"employeeNumber":"E1","department":"Sales"}}'

    post(running.url, body, running.token)

    assert running.cases() == []


def test_partial_data_accepted(sandbox: SandboxFactory) -> None:
    running = sandbox()

    response = post(running.url, '{"processId":27,"data":{"salary":5}}', running.token)

    assert response.status_code == 200
    assert running.cases()[0]["data"] == {"salary": 5}


def test_case_ids_increase(sandbox: SandboxFactory) -> None:
    running = sandbox()

    ids = [
        post(running.url, '{"processId":27,"data":{}}', running.token).json()["id"]
        for _ in range(3)
    ]

    assert ids == [1, 2, 3]

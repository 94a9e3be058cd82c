"""Request ids and JSON log lines."""

import io
import json
import logging
import sys

import pytest

from applyingml.logs import JsonFormatter, RequestIdFilter


@pytest.fixture
def json_log():
    """Everything logged during the test, as the production handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_every_response_carries_a_request_id_that_is_in_its_log_lines(client, db, json_log):
    response = client.get("/no-such-page/")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = [line for line in json_log() if line["request_id"] == request_id]
    assert {line["logger"] for line in lines} == {"django.request", "applyingml.request"}
    [access] = [line for line in lines if line["logger"] == "applyingml.request"]
    assert access["method"] == "GET" and access["path"] == "/no-such-page/"
    assert access["status"] == 404 and access["duration_ms"] >= 0


def test_a_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(client, db):
    kept = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert kept["X-Request-ID"] == "lb-7f3a.42"
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>\n")
    assert replaced["X-Request-ID"] != "<script>\n" and len(replaced["X-Request-ID"]) == 32


def test_json_lines_carry_extra_fields_and_the_traceback():
    record = logging.LogRecord("app", logging.ERROR, __file__, 1, "failed %s", ("twice",), None)
    record.status = 500
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)

    line = JsonFormatter().format(record)

    assert "\n" not in line  # one line per record, traceback included
    entry = json.loads(line)
    assert entry["message"] == "failed twice" and entry["level"] == "ERROR"
    assert entry["status"] == 500 and entry["request_id"] == "-"
    assert entry["traceback"].startswith("Traceback") and "ValueError: boom" in entry["traceback"]

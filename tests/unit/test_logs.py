"""Log rendering: JSON lines for files and pipes, readable text in a terminal, the ES transport quiet."""

import io
import json
import logging

from ingest import logs


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _emit(stream, fmt):
    handler = logging.StreamHandler(stream)
    logs.configure([handler], fmt)
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logs.get("test.logs").info("task outcome", task="ingest.index", paper="zjgrrb", counts={"created": 7})
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_file_or_pipe_gets_one_json_object_per_event():
    event = json.loads(_emit(io.StringIO(), "auto"))
    assert event["event"] == "task outcome" and event["paper"] == "zjgrrb" and event["counts"] == {"created": 7}
    assert event["level"] == "info" and event["logger"] == "test.logs" and event["timestamp"].endswith("Z")


def test_a_terminal_gets_readable_text():
    text = _emit(Tty(), "auto")
    assert "task outcome" in text and "paper=zjgrrb" in text and not text.lstrip().startswith("{")


def test_the_format_can_be_forced():
    assert not _emit(io.StringIO(), "console").lstrip().startswith("{")
    assert json.loads(_emit(Tty(), "json"))["task"] == "ingest.index"


def test_the_elasticsearch_transport_logs_only_warnings():
    logs.configure([logging.StreamHandler(io.StringIO())], "json")
    assert logging.getLogger("elastic_transport.transport").getEffectiveLevel() == logging.WARNING

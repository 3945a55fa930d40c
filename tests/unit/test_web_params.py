"""Search parameters of the HTTP service and the page (ingest.web.params): read once, refused clearly."""

from datetime import date

import pytest

from ingest.errors import InputError
from ingest.web.params import (
    MAX_SIZE,
    SEARCH_PARAMS,
    openapi_parameters,
    read_params,
    search_request,
)


def test_every_parameter_becomes_the_search_request():
    req = search_request(read_params([("q", "朋友圈"), ("paper", "zjgrrb"), ("since", "2020-06-01"),
                                      ("until", "2020-06-30"), ("page", "A03"), ("author", "张浩呈"),
                                      ("collapse", "false"), ("from", "20"), ("size", "5")]))
    assert (req.query, req.paper, req.since, req.until) == ("朋友圈", "zjgrrb", date(2020, 6, 1), date(2020, 6, 30))
    assert (req.page, req.author, req.collapse, req.offset, req.limit) == ("A03", "张浩呈", False, 20, 5)


def test_empty_form_fields_are_absent_not_errors():
    req = search_request(read_params([("q", "工会"), ("paper", ""), ("since", ""), ("page", " ")]))
    assert (req.paper, req.since, req.page) == (None, None, None)


@pytest.mark.parametrize("items, message", [
    ([("q", "工会"), ("index", "ingest-ledger")], "unknown parameter 'index'"),
    ([("q", "工会"), ("q", "职工")], "q is given more than once"),
    ([("paper", "zjgrrb")], "q (the query) is missing"),
    ([("q", "工会"), ("size", str(MAX_SIZE + 1))], "size"),
    ([("q", "工会"), ("size", "ten")], "not a whole number"),
    ([("q", "工会"), ("from", "-1")], "from"),
    ([("q", "工会"), ("since", "2020-02-30")], "since: '2020-02-30' is not a date"),
    ([("q", "工会"), ("collapse", "maybe")], "collapse"),
    ([("q", "工会"), ("page", "要闻")], "page '要闻'"),
])
def test_a_bad_parameter_is_refused_with_a_message_naming_it(items, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        search_request(read_params(items))


def test_the_openapi_parameters_are_the_ones_read():
    assert [p["name"] for p in openapi_parameters()] == [p.name for p in SEARCH_PARAMS]
    assert {p["name"] for p in openapi_parameters() if p["required"]} == {"q"}

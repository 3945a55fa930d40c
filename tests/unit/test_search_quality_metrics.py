"""The metrics of bench/search_quality.py, on hand-computed cases."""

import math

import pytest

from bench.search_quality import (
    Indexed,
    Query,
    changes,
    dcg,
    exact_term_precision,
    has_exact_terms,
    id_grades,
    ndcg_at,
    reciprocal_rank,
)


def test_dcg_discounts_graded_gains_by_the_log_of_the_rank():
    # (2^2 - 1)/log2(2) + (2^0 - 1)/log2(3) + (2^1 - 1)/log2(4)
    assert dcg([2, 0, 1]) == pytest.approx(3 + 0 + 0.5)


def test_ndcg_is_one_for_the_ideal_order_and_less_when_the_best_document_comes_second():
    grades = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b", "x"], grades) == pytest.approx(1.0)
    swapped = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg_at(["b", "a"], grades) == pytest.approx(swapped)


def test_ndcg_counts_relevant_documents_the_ranking_missed_against_it():
    # The ideal holds both judged documents; the ranking found one of them.
    assert ndcg_at(["a"], {"a": 2, "b": 2}) == pytest.approx(3 / (3 + 3 / math.log2(3)))


def test_ndcg_looks_at_the_first_k_hits_only():
    assert ndcg_at(["x", "y", "a"], {"a": 2}, k=2) == 0.0


def test_ndcg_refuses_a_query_with_nothing_judged_relevant():
    with pytest.raises(ValueError, match="at least one judged relevant"):
        ndcg_at(["a"], {})


def test_reciprocal_rank_is_that_of_the_first_document_graded_two():
    grades = {"a": 1, "b": 2}
    assert reciprocal_rank(["x", "a", "b"], grades) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a", "x"], grades) == 0.0
    assert reciprocal_rank(["x", "y", "b"], grades, k=2) == 0.0


def test_exact_terms_must_stand_together_in_one_field_value():
    assert has_exact_terms(["省总工会开展疗休养活动"], ["疗休养"])
    assert not has_exact_terms(["医疗救助和休养服务，互相帮扶养老"], ["疗休养"])
    assert not has_exact_terms(["医疗", "休养"], ["疗休养"])  # across two paragraphs
    assert not has_exact_terms(["劳模、工匠品牌工作室"], ["劳模工匠"])


def test_exact_terms_compare_width_folded_simplified_text():
    assert has_exact_terms(["帮扶各级各类困难职工41.9万人次"], ["困難職工", "４１.９万"])


def test_exact_term_precision_is_the_share_of_the_first_hits_holding_every_term():
    texts = {"a": ["困难职工家庭"], "b": ["困难学子", "职工"], "c": ["困难职工"]}
    assert exact_term_precision(["a", "b", "c"], texts, ["困难职工"]) == pytest.approx(2 / 3)
    assert exact_term_precision(["a", "b", "c"], texts, ["困难职工"], k=1) == 1.0
    assert exact_term_precision([], texts, ["困难职工"]) is None


def test_changes_count_queries_above_and_below_the_baseline():
    assert changes([1.0, 0.5, 0.7], [0.9, 0.5, 0.8]) == (1, 1)


def test_judgment_grades_of_copies_take_the_best_grade_of_their_keys():
    indexed = Indexed(ids={"page01#0": "id1", "site/x#0": "id1", "para/y/1": "id2"}, texts={}, docs=[])
    q = Query("疗休养", ("exact",), {"page01#0": 1, "site/x#0": 2, "para/y/1": 1})
    assert id_grades(q, indexed) == {"id1": 2, "id2": 1}

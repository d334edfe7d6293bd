"""Engine-neutral parts of the search package: the seed sections the engine suite searches, and the query parser.

The engine behaviour itself is tests/test_engines.py, one suite over Whoosh, Tantivy and PostgreSQL.
"""
from __future__ import annotations

from index.query import And, Not, Or, Phrase, Word, parse_query
from tests.seed_sections import seed_docs


def test_seed_split_gives_realistic_sections() -> None:
    agenda = seed_docs()["agenda2026"]
    assert len({d.item_number for d in agenda}) >= 13
    sosu = [d for d in agenda if d.item_number == "3.7"]
    assert {d.section for d in sosu} >= {"Baggrund", "Indstilling", "Sagsfremstilling"}
    assert all(d.page == 24 for d in sosu)


def test_parser_tree_shapes() -> None:
    assert parse_query('a1 OR "b c" -d') == Or((Word("a1"), And((Phrase("b c"), Not(Word("d"))))))
    assert parse_query("sundhedsråd* title:budget") == And((Word("sundhedsråd", prefix=True),
                                                            Word("budget", "title")))
    assert parse_query("SOSU-uddannelserne") == Word("SOSU-uddannelserne")  # inner hyphen is no NOT

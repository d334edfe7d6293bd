"""The Tantivy schema, and how a SectionDoc becomes one Tantivy document.

Text is analysed in Python by index/analysis.py, the very rules the Whoosh engine uses (stop words dropped
and positions renumbered, Danish stemming, the ASCII alias of a word with æ ø å at the same position),
and handed to Tantivy pre-tokenized: both engines hold the same terms, so they find the same sections,
and a change to analysis.py reaches both at once. Tantivy only stores, matches and scores.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

import tantivy

from index.analysis import damaged_words, identifier_key, index_terms
from index.documents import SectionDoc
from index.fields import date_num, normalize_case_number
from index.records import item_key

UNDATED_LAST_ASC = 99_999_999  # sort_asc of an undated record: after every date
LOWER_RAW = "moedearkiv_lc"  # whole value, lowercased: case-insensitive exact filters


def lower_raw_analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.lowercase()).build()


def register_analyzers(ix: tantivy.Index) -> None:
    ix.register_tokenizer(LOWER_RAW, lower_raw_analyzer())


def build_schema() -> tantivy.Schema:
    """Same fields as the Whoosh schema (index/whoosh/schema.py), plus an item hash for per-item collapse."""
    sb = tantivy.SchemaBuilder()
    for name in ("meeting_id", "date", "item_number", "case_number", "item_id", "decided_on", "decided_by",
                 "source", "also_in"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in ("kind", "body", "section", "municipality", "closed"):  # facets: exact values in a fast field
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("ids", tokenizer_name="raw")  # the case number as one lowercased token
    sb.add_text_field("municipality_words", index_option="freq")
    sb.add_unsigned_field("decided_num", indexed=True, fast=True)
    sb.add_unsigned_field("sort_asc", fast=True)  # date, undated last
    sb.add_unsigned_field("sort_desc", fast=True)  # date, undated 0 (last, newest first)
    sb.add_text_field("year", fast=True, tokenizer_name="raw")
    sb.add_text_field("kind_lc", tokenizer_name=LOWER_RAW)
    sb.add_text_field("section_lc", tokenizer_name=LOWER_RAW)
    sb.add_text_field("body_words", index_option="freq")
    sb.add_unsigned_field("date_num", indexed=True, fast=True)
    sb.add_unsigned_field("item_hash", fast=True)  # per-item collapse without loading stored documents
    sb.add_integer_field("position", stored=True)
    sb.add_integer_field("page", stored=True)
    sb.add_text_field("title")
    sb.add_text_field("text")
    sb.add_text_field("raw", index_option="freq")
    for name in ("item_title", "text_stored", "raw_text"):  # stored only: the pre-tokenized fields keep no text
        sb.add_bytes_field(name, stored=True)
    return sb.build()


@lru_cache(maxsize=4096)
def analyzed_name(text: str) -> tantivy.PreTokenizedString:
    """analyzed() of a body, municipality or item title: the same few values recur on every section."""
    return analyzed(text)


def analyzed(text: str) -> tantivy.PreTokenizedString:
    """analysis.py's index terms of `text` with their positions (the alias shares its word's position)."""
    tokens = [tantivy.Token(key, position, 0, 0) for position, keys in index_terms(text) for key in keys]
    return tantivy.PreTokenizedString("", tokens)


def item_hash(doc: SectionDoc) -> int:
    """64-bit id of an item (records.item_key), the collapse key of `per_item` searches."""
    return int.from_bytes(hashlib.blake2b(item_key(doc).encode(), digest_size=8).digest(), "big")


def to_document(doc: SectionDoc) -> tantivy.Document:
    out = tantivy.Document()
    out.add_text("meeting_id", doc.meeting_id)
    out.add_integer("position", doc.position)
    out.add_unsigned("item_hash", item_hash(doc))
    out.add_text("closed", "true" if doc.closed else "false")
    for name in ("item_id", "decided_on", "decided_by", "source"):
        if (value := getattr(doc, name)) is not None:
            out.add_text(name, value)
    for source in doc.also_in:
        out.add_text("also_in", source)
    if doc.municipality:
        out.add_text("municipality", doc.municipality)
        out.add_pre_tokenized_text("municipality_words", analyzed_name(doc.municipality))
    if doc.case_number and (whole := identifier_key(doc.case_number)):
        out.add_text("ids", whole)
    out.add_text("kind", doc.kind)
    out.add_text("kind_lc", doc.kind)
    out.add_text("section", doc.section)
    out.add_text("section_lc", doc.section)
    if doc.date:
        out.add_text("date", doc.date)
        out.add_text("year", doc.date[:4])
    number = date_num(doc.date)
    if number is not None:
        out.add_unsigned("date_num", number)
    out.add_unsigned("sort_asc", number or UNDATED_LAST_ASC)
    out.add_unsigned("sort_desc", number or 0)
    if (decided := date_num(doc.decided_on) or number) is not None:
        out.add_unsigned("decided_num", decided)
    if doc.body:
        out.add_text("body", doc.body)
        out.add_pre_tokenized_text("body_words", analyzed_name(doc.body))
    if doc.item_number:
        out.add_text("item_number", doc.item_number)
    if doc.item_title:
        out.add_pre_tokenized_text("title", analyzed_name(doc.item_title))
        out.add_bytes("item_title", doc.item_title.encode("utf-8"))
    if doc.case_number:
        out.add_text("case_number", normalize_case_number(doc.case_number))
    if doc.page is not None:
        out.add_integer("page", doc.page)
    out.add_pre_tokenized_text("text", analyzed(doc.text))
    out.add_bytes("text_stored", doc.text.encode("utf-8"))
    damaged = damaged_words(doc.raw_text, doc.text)
    if damaged:
        out.add_pre_tokenized_text("raw", analyzed(damaged))
        out.add_bytes("raw_text", doc.raw_text.encode("utf-8"))
    return out

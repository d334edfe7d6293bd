"""The user query language, parsed into a small engine-neutral tree.

    lærepladser sosu            both words (AND is the default)
    lærepladser OR praktik      either
    -flygtninge, NOT flygtninge  without
    "fordeling af lærepladser"  phrase
    sundhedsråd*                prefix (compounds: sundhedsrådsmedlemmer)
    (a OR b) c                  grouping
    title:budget text:.. raw:.. search one field only
    section:Beslutning kind:referat body:hovedstaden case:SAG-2025-1 year:2025   filters
    closed:ja municipality:ballerup                                               filters
    12/27845, SAG-2025-03121    a case number typed bare finds the item (whole-token match)

Operators are upper case; lower-case `and`/`or`/`not` are ordinary words. Anything malformed raises
QuerySyntaxError with a message meant for the person who typed it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.analysis import analyze
from index.model import SORTS, QuerySyntaxError, SearchFilters

TEXT_FIELDS: tuple[str, ...] = ("title", "text", "raw")
FILTER_FIELDS: tuple[str, ...] = ("section", "kind", "body", "case", "year", "closed", "municipality")
CLOSED_VALUES: dict[str, bool] = {"ja": True, "true": True, "yes": True, "nej": False, "false": False, "no": False}
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    field: str | None = None  # one of TEXT_FIELDS, None = all
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Filter:
    field: str  # one of FILTER_FIELDS
    value: str


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Word | Phrase | Filter | Not | And | Or


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # word, phrase, lparen, rparen, and, or, not, minus
    text: str
    pos: int


def _tokenize(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok("lparen" if ch == "(" else "rparen", ch, i))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(f"Unclosed quote at position {i + 1}: add the closing \" to end the phrase.")
            toks.append(_Tok("phrase", query[i + 1 : end], i))
            i = end + 1
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and (i == 0 or query[i - 1].isspace() or
                                                                          query[i - 1] == "("):
            toks.append(_Tok("minus", ch, i))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            word = query[i:j]
            if j < n and query[j] == '"' and word.endswith(":"):  # field:"a phrase"
                end = query.find('"', j + 1)
                if end < 0:
                    raise QuerySyntaxError(f"Unclosed quote at position {j + 1}: add the closing \" to end the phrase.")
                word, j = word + query[j:end + 1], end + 1
            kind = {"AND": "and", "OR": "or", "NOT": "not"}.get(word, "word")
            toks.append(_Tok(kind, word, i))
            i = j
    return toks


class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary (AND? unary)*."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop the loops early
            raise QuerySyntaxError(f"Unexpected ')' at position {tok.pos + 1}: there is no '(' for it.")
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            if self.peek() is None or self.peek().kind in ("or", "and", "rparen"):  # type: ignore[union-attr]
                raise QuerySyntaxError(f"'OR' at position {tok.pos + 1} needs a search term after it.")
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("The query ends where a search term was expected.")
        if tok.kind in ("or", "and"):
            raise QuerySyntaxError(f"'{tok.text}' at position {tok.pos + 1} needs a search term before it.")
        if tok.kind == "rparen":
            raise QuerySyntaxError(f"Empty or unexpected ')' at position {tok.pos + 1}.")
        children = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("or", "rparen"):
            if tok.kind == "and":
                self.take()
                nxt = self.peek()
                if nxt is None or nxt.kind in ("or", "and", "rparen"):
                    raise QuerySyntaxError(f"'AND' at position {tok.pos + 1} needs a search term after it.")
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        tok = self.take()
        if tok.kind in ("not", "minus"):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "and", "rparen"):
                raise QuerySyntaxError(f"'{tok.text}' at position {tok.pos + 1} needs a search term after it.")
            return Not(self.unary())
        if tok.kind == "lparen":
            if (nxt := self.peek()) is not None and nxt.kind == "rparen":
                raise QuerySyntaxError(f"Empty parentheses at position {tok.pos + 1}.")
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise QuerySyntaxError(f"Unclosed '(' at position {tok.pos + 1}: add the matching ')'.")
            self.take()
            return node
        if tok.kind == "phrase":
            return Phrase(tok.text)
        if tok.kind == "word":
            return _word(tok)
        raise QuerySyntaxError(f"Unexpected '{tok.text}' at position {tok.pos + 1}.")


def _word(tok: _Tok) -> Node:
    match = _FIELD_RE.fullmatch(tok.text)
    if match is None:
        return _plain_word(tok.text, None)
    name, value = match.group(1).lower(), match.group(2)
    if name not in TEXT_FIELDS and name not in FILTER_FIELDS:
        fields = ", ".join(TEXT_FIELDS + FILTER_FIELDS)
        raise QuerySyntaxError(f"Unknown field '{match.group(1)}:' at position {tok.pos + 1}; known fields: {fields}.")
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1]
        if name in TEXT_FIELDS:
            return Phrase(value, name)
    if not value.strip():
        raise QuerySyntaxError(f"Field '{name}:' at position {tok.pos + 1} needs a value right after the colon.")
    if name == "closed":
        return Filter(name, closed_value(value.strip(), f"'closed:' at position {tok.pos + 1}"))
    if name in FILTER_FIELDS:
        return Filter(name, value.strip())
    return _plain_word(value, name)


def _plain_word(text: str, field: str | None) -> Word:
    if text.endswith("*") and len(text.rstrip("*")) > 0:
        return Word(text.rstrip("*"), field, prefix=True)
    if text.strip("*") == "":
        raise QuerySyntaxError("A lone '*' is not a search term; put it after a word (sundhedsråd*).")
    return Word(text, field)


def prune(node: Node) -> Node | None:
    """Drop words that analyze to nothing (stop words, punctuation), keeping the tree well-formed."""
    if isinstance(node, Word):
        return node if node.prefix or analyze(node.text) else None
    if isinstance(node, Phrase):
        return node if analyze(node.text) else None
    if isinstance(node, Filter):
        return node
    if isinstance(node, Not):
        child = prune(node.child)
        return None if child is None else Not(child)
    kept = tuple(c for c in (prune(c) for c in node.children) if c is not None)
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    return And(kept) if isinstance(node, And) else Or(kept)


def has_positive(node: Node) -> bool:
    """True if the tree can match on its own (a query of only NOTs is allowed, it means 'all but')."""
    if isinstance(node, Not):
        return False
    if isinstance(node, (And, Or)):
        return any(has_positive(c) for c in node.children)
    return True


def parse_query(query: str) -> Node:
    """Parse a user query; raise QuerySyntaxError for empty or malformed input."""
    if not query or not query.strip():
        raise QuerySyntaxError("Empty query: type one or more words to search for.")
    node = _Parser(_tokenize(query)).parse()
    pruned = prune(node)
    if pruned is None:
        raise QuerySyntaxError("The query has no searchable words (only stop words or punctuation).")
    return pruned


def to_date(value: date | str | None, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QuerySyntaxError(f"{what} must be an ISO date like 2025-09-02, not '{value}'.") from None


def closed_value(value: str, what: str) -> str:
    """`ja`/`nej`/`true`/`false` (any case) as the indexed `true`/`false`."""
    flag = CLOSED_VALUES.get(value.lower())
    if flag is None:
        raise QuerySyntaxError(f"{what} takes ja, nej, true or false, not '{value}'.")
    return "true" if flag else "false"


DECISION_SECTION = "beslutning"
"""With this section filter, --from/--to bound the decision date (`decided_on`) instead of the meeting's."""


@dataclass(frozen=True, slots=True)
class Restrictions:
    """SearchFilters checked and reduced to what every engine applies: field filters and a date range."""

    filters: tuple[Filter, ...]
    date_low: int | None  # YYYYMMDD, inclusive
    date_high: int | None
    date_field: str = "date_num"  # or "decided_num" (decision date) when filtered to Beslutning


def restrictions(filters: SearchFilters) -> Restrictions:
    fields = tuple(Filter(field, value.strip()) for field, value in (
        ("section", filters.section), ("kind", filters.kind), ("body", filters.body), ("case", filters.case_number),
        ("municipality", filters.municipality)) if value and value.strip())
    if filters.closed is not None:
        fields += (Filter("closed", "true" if filters.closed else "false"),)
    start, end = to_date(filters.date_from, "--from"), to_date(filters.date_to, "--to")
    if start and end and start > end:
        raise QuerySyntaxError(f"The date range is empty: --from {start} is after --to {end}.")
    as_int = lambda day: int(day.strftime("%Y%m%d")) if day else None  # noqa: E731
    decisions = (filters.section or "").strip().lower() == DECISION_SECTION
    return Restrictions(fields, as_int(start), as_int(end), "decided_num" if decisions else "date_num")


@dataclass(frozen=True, slots=True)
class Paging:
    """Which slice of the ordered hits to return, checked once for both engines."""

    limit: int
    offset: int
    sort: str


def paging(limit: int, offset: int, sort: str) -> Paging:
    if sort not in SORTS:
        raise QuerySyntaxError(f"Unknown sort '{sort}': choose one of {', '.join(SORTS)}.")
    if offset < 0:
        raise QuerySyntaxError(f"--offset must be 0 or more, not {offset}.")
    return Paging(max(1, limit), offset, sort)

"""The query tree of index/query.py as a SQL condition on the search table, mostly one `tsquery`.

Same policy and the same terms as the Tantivy and Whoosh engines: words go through index/analysis.py;
a plain word searches the title (weight A), the text (D) and the raw OCR words (C); a word of several
stems (`Sundheds-og`) and a "phrase" must be adjacent (`<->`) in the title or the text; `word*` is a
prefix; `field:` limits the weights. Text-only subtrees become one tsquery (one GIN lookup); a filter
inside the query (`section:Beslutning`) is a column condition combined with SQL AND/OR/NOT.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from index.analysis import analyze, fold, identifier_key, prefix_forms
from index.fields import normalize_case_number
from index.model import SearchFilters
from index.postgres.vectors import IDS, RAW, TEXT, TITLE, quote
from index.query import And, Filter, Node, Not, Or, Phrase, Word, restrictions

_WEIGHTS = {"title": TITLE, "text": TEXT, "raw": RAW}
EMPTY = "'__moedearkiv_nothing__'"  # a term no document holds


@dataclass(slots=True)
class Params:
    """Bind parameters collected while compiling (named :p0, :p1, ...)."""

    values: dict[str, object] = field(default_factory=dict)

    def add(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


@dataclass(frozen=True, slots=True)
class TS:
    query: str  # tsquery text


@dataclass(frozen=True, slots=True)
class SQL:
    condition: str


def compile_node(node: Node, params: Params) -> TS | SQL:
    if isinstance(node, Word):
        return TS(_word(node))
    if isinstance(node, Phrase):
        return TS(_phrase(node))
    if isinstance(node, Filter):
        return SQL(filter_condition(node.field, node.value, params))
    if isinstance(node, Not):
        child = compile_node(node.child, params)
        return TS(f"!({child.query})") if isinstance(child, TS) else SQL(f"NOT ({child.condition})")
    parts = [compile_node(c, params) for c in node.children]
    joiner = " & " if isinstance(node, And) else " | "
    if all(isinstance(p, TS) for p in parts):
        return TS(joiner.join(f"({p.query})" for p in parts))  # type: ignore[union-attr]
    sql_joiner = " AND " if isinstance(node, And) else " OR "
    return SQL(sql_joiner.join(f"({as_condition(p, params)})" for p in parts))


def as_condition(expr: TS | SQL, params: Params) -> str:
    if isinstance(expr, SQL):
        return expr.condition
    return f"tsv @@ CAST({params.add(expr.query)} AS tsquery)"


def rank_query(node: Node) -> str:
    """The positive words of the query OR'ed: what ts_rank weighs (filters and NOTs score nothing)."""
    parts: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Word):
            parts.append(_word(n))
        elif isinstance(n, Phrase):
            parts.append(_phrase(n))
        elif isinstance(n, (And, Or)):
            for c in n.children:
                walk(c)

    walk(node)
    return " | ".join(f"({p})" for p in parts) if parts else EMPTY


def _labels(field_name: str | None, with_raw: bool = True) -> str:
    if field_name is not None:
        return _WEIGHTS[field_name]
    return TITLE + TEXT + (RAW if with_raw else "")


def _adjacent(stems: list[str], labels: str) -> str:
    return " <-> ".join(f"{quote(s)}:{labels}" for s in stems)


def _any(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    return " | ".join(f"({p})" for p in parts) if parts else EMPTY


def _word(node: Word) -> str:
    low = node.text.lower()
    if node.prefix:
        return _any([f"{quote(form)}:*{_labels(node.field)}" for form in prefix_forms(low)])
    stems = analyze(low)
    if not stems:
        return EMPTY
    parts: list[str] = []
    keys = list(dict.fromkeys(s for w in (low, fold(low)) for s in analyze(w)))
    if node.field is None and len(stems) == 1:
        # title, text and raw together are every label but B, which holds only whole identifiers (never a
        # word's stem): the term unlabelled means the same and lets the GIN index answer without a recheck
        parts.append(quote(stems[0]))
        parts += [f"{quote(k)}:{RAW}" for k in keys if k != stems[0]]  # OCR may hold the transliterated form
    else:
        if node.field in (None, "title", "text"):
            labels = _labels(node.field, with_raw=False)
            parts.append(f"{quote(stems[0])}:{labels}" if len(stems) == 1 else _adjacent(stems, labels))
        if node.field in (None, "raw"):  # OCR output may hold the transliterated form of a Danish query word
            if len(stems) == 1 and len(keys) > 1:
                parts.append(_any([f"{quote(k)}:{RAW}" for k in keys]))
            else:
                parts.append(" & ".join(f"{quote(s)}:{RAW}" for s in stems))
    whole = identifier_key(node.text)
    if whole and node.field != "raw":  # the identifier as one token, in the text and as the item's case number
        parts.append(f"{quote(whole)}:{_labels(node.field, with_raw=False)}")
        if node.field is None:
            parts.append(f"{quote(whole)}:{IDS}")
    return _any(parts)


def _phrase(node: Phrase) -> str:
    stems = analyze(node.text)
    if len(stems) == 1:
        return _word(Word(node.text, node.field))
    if node.field == "raw":  # raw words have no useful order: all of them must occur
        return " & ".join(f"{quote(s)}:{RAW}" for s in stems)
    return _adjacent(stems, _labels(node.field, with_raw=False))


def filter_condition(name: str, value: str, params: Params) -> str:
    """A field filter (`section:`, `kind:`, `case:`, `year:`, `body:`, `closed:`, `municipality:`) as a column
    condition."""
    if name == "section":
        return f"lower(section) = {params.add(value.lower())}"
    if name == "kind":
        return f"lower(kind) = {params.add(value.lower())}"
    if name == "case":
        return f"case_norm = {params.add(normalize_case_number(value))}"
    if name == "year":
        return f"year = {params.add(value)}"
    if name == "closed":  # index/query.py made it "true" or "false"
        return "closed" if value == "true" else "NOT closed"
    column = "municipality" if name == "municipality" else "body"
    stems = analyze(value)
    if stems:
        return f"{column}_words @> CAST({params.add(stems)} AS text[])"
    return f"{column} = {params.add(value)}"


def filters_condition(filters: SearchFilters, params: Params) -> list[str]:
    """SearchFilters checked once for all engines (index/query.restrictions), as SQL conditions."""
    limits = restrictions(filters)
    parts = [filter_condition(f.field, f.value, params) for f in limits.filters]
    column = limits.date_field  # date_num, or decided_num (the decision date, else the meeting's) for Beslutning
    if limits.date_low is not None:
        parts.append(f"{column} >= {params.add(limits.date_low)}")
    if limits.date_high is not None:
        parts.append(f"{column} <= {params.add(limits.date_high)}")
    return parts

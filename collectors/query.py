"""The boolean keyword query every source takes (``tiktok AND (ban OR rednote OR 小红书)``).

One query serves two ends: APIs that search for us get it rendered in their own syntax
(or only the words every match must contain), and every collector applies it locally too,
so what is stored always matches, whatever the API made of it.

Syntax: words, ``"quoted phrases"``, ``AND``, ``OR``, ``NOT`` (or a leading ``-``) and
parentheses; words side by side mean AND; operators and matching ignore case. A Latin
word matches whole words (``ban`` matches "ban" and "#ban", not "banana"; ``ban*``
matches "banned"); a term with Chinese, Japanese or Korean characters matches as a
substring, since those scripts put no spaces between words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_OPERATORS = {"AND", "OR", "NOT"}
_TOKEN_RE = re.compile(r'\s*(?:(?P<lparen>\()|(?P<rparen>\))|"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]+))')
_CJK_CLASS = (
    "\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
# A word character that is not CJK: Latin words end where CJK text begins ("欢迎tiktok难民").
_WORD = f"(?![{_CJK_CLASS}])\\w"


class QueryError(ValueError):
    """A query that does not parse; the message says where."""


def fold(text: str) -> str:
    """Text as the matcher compares it: NFKC (full-width letters become ASCII), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Term:
    """One word or phrase; ``prefix`` when it ended in ``*``."""

    text: str
    phrase: bool = False
    prefix: bool = False

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        folded = fold(self.text)
        if _CJK_RE.search(folded):
            return None
        body = r"\s+".join(re.escape(part) for part in folded.split())
        end = r"\w*" if self.prefix else f"(?!{_WORD})"
        return re.compile(f"(?<!{_WORD}){body}{end}")

    def matches(self, folded_text: str) -> bool:
        pattern = self._pattern
        if pattern is None:
            return fold(self.text) in folded_text
        return pattern.search(folded_text) is not None

    def render(self) -> str:
        if self.phrase or " " in self.text:
            return f'"{self.text}"'
        return self.text + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Not:
    operand: Node

    def matches(self, folded_text: str) -> bool:
        return not self.operand.matches(folded_text)


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def matches(self, folded_text: str) -> bool:
        return all(operand.matches(folded_text) for operand in self.operands)


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def matches(self, folded_text: str) -> bool:
        return any(operand.matches(folded_text) for operand in self.operands)


Node = Term | Not | And | Or


@dataclass(frozen=True)
class Syntax:
    """How one search API writes boolean queries."""

    and_: str = " AND "
    or_: str = " OR "
    not_: str = "NOT "


LUCENE = Syntax()  # Bluesky (recommended syntax), Reddit
X_SYNTAX = Syntax(and_=" ", or_=" OR ", not_="-")  # X API v2, YouTube search
YOUTUBE = Syntax(and_=" ", or_="|", not_="-")


class Query:
    """A parsed query: ``matches(text)`` for local filtering, ``render`` and
    ``required_terms`` for the API side."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        if not self.text:
            raise QueryError("empty query")
        self.root = _Parser(self.text).parse()

    def __repr__(self) -> str:
        return f"Query({self.text!r})"

    def matches(self, *texts: str | None) -> bool:
        """Whether the texts (title, body, ...) taken together satisfy the query."""
        folded = fold(" \n ".join(t for t in texts if t))
        return self.root.matches(folded)

    def render(self, syntax: Syntax = LUCENE) -> str:
        """The query in an API's own boolean syntax."""
        return _render(self.root, syntax, top=True)

    def required_terms(self) -> list[str]:
        """Words or phrases every matching text contains: what to send to an API that
        only ANDs words (Hacker News), the rest being applied locally."""
        return [term.render() for term in _required(self.root)]

    def terms(self) -> list[str]:
        """Every positive word or phrase in the query, in order (for hashtag APIs)."""
        found: list[str] = []
        _collect_terms(self.root, found)
        return found


def parse_query(text: str | None) -> Query | None:
    """A query from config: ``None`` or blank means "keep everything"."""
    if text is None or not text.strip():
        return None
    return Query(text)


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*; unary := NOT unary | atom."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokenise(text)
        self.position = 0

    @staticmethod
    def _tokenise(text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            if text[position:].strip() == "":
                break
            match = _TOKEN_RE.match(text, position)
            if match is None:
                raise QueryError(f"unclosed quote in query {text!r}")
            position = match.end()
            if match["lparen"]:
                tokens.append(("(", "("))
            elif match["rparen"]:
                tokens.append((")", ")"))
            elif match["phrase"] is not None:
                if not match["phrase"].strip():
                    raise QueryError(f"empty phrase in query {text!r}")
                tokens.append(("phrase", match["phrase"].strip()))
            else:
                word = match["word"]
                if word.upper() in _OPERATORS:
                    tokens.append((word.upper(), word))
                elif word.startswith("-") and len(word) > 1:
                    tokens.append(("NOT", "-"))
                    tokens.append(("word", word[1:]))
                else:
                    tokens.append(("word", word))
        if text.count('"') % 2:
            raise QueryError(f"unclosed quote in query {text!r}")
        return tokens

    def parse(self) -> Node:
        node = self._or()
        if self.position < len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.position][1]!r} in query {self.text!r}")
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def _or(self) -> Node:
        operands = [self._and()]
        while self._peek() == "OR":
            self.position += 1
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Node:
        operands = [self._unary()]
        while self._peek() in ("AND", "NOT", "word", "phrase", "("):
            if self._peek() == "AND":
                self.position += 1
            operands.append(self._unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _unary(self) -> Node:
        if self._peek() == "NOT":
            self.position += 1
            return Not(self._unary())
        return self._atom()

    def _atom(self) -> Node:
        kind = self._peek()
        if kind is None:
            raise QueryError(f"query {self.text!r} ends where a word was expected")
        value = self.tokens[self.position][1]
        self.position += 1
        if kind == "(":
            node = self._or()
            if self._peek() != ")":
                raise QueryError(f"missing ')' in query {self.text!r}")
            self.position += 1
            return node
        if kind == "word":
            if value.endswith("*") and len(value) > 1:
                return Term(value[:-1], prefix=True)
            return Term(value)
        if kind == "phrase":
            return Term(value, phrase=True)
        raise QueryError(f"unexpected {value!r} in query {self.text!r}")


def _render(node: Node, syntax: Syntax, top: bool = False) -> str:
    if isinstance(node, Term):
        return node.render()
    if isinstance(node, Not):
        return syntax.not_ + _render(node.operand, syntax)
    joiner = syntax.and_ if isinstance(node, And) else syntax.or_
    body = joiner.join(_render(operand, syntax) for operand in node.operands)
    return body if top else f"({body})"


def _required(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, And):
        return [term for operand in node.operands for term in _required(operand)]
    if isinstance(node, Or):
        # A term is required by an OR only when every alternative requires it.
        sets = [_required(operand) for operand in node.operands]
        return [term for term in sets[0] if all(term in other for other in sets[1:])]
    return []


def _collect_terms(node: Node, found: list[str]) -> None:
    if isinstance(node, Term):
        if node.text not in found:
            found.append(node.text)
    elif isinstance(node, (And, Or)):
        for operand in node.operands:
            _collect_terms(operand, found)

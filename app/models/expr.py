"""A safe parser for the surface a learner types, f(x, y): text → sympy expression, no eval.

sympy's ``sympify``/``parse_expr`` run Python's ``eval`` on the text, so ``__import__('os')``
would execute. This module never does: a tokenizer and a Pratt (precedence-climbing) parser
build sympy objects directly, and only admit

- numbers (``2``, ``0.5``, ``1e-3``), the names ``x`` and ``y``, the constants ``pi`` and ``e``;
- the operators ``+ − * / ^`` (``**`` is read as ``^``), unary ``±`` and parentheses;
- the functions in ``FUNCTIONS`` (sin, cos, exp, log, sqrt, abs, …), called with one argument.

Anything else — attribute access, strings, lambdas, unknown names, ``2x`` without a ``*`` — is
a :class:`ParseError` whose message names what was found and the 0-based position. Powers are
bounded so ``9^9^9`` fails fast instead of computing a 370-million-digit integer: a constant
power must stay below 10^300, and a power of an expression in x, y needs a constant exponent
with |exponent| ≤ ``MAX_EXPONENT``. Constants must be real and finite: ``sqrt(-1)``, ``log(-1)``,
``0^(-1)`` and ``(-2)^x`` (complex for most x) are refused, since the surface is a real f(x, y).
No Qt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp

X, Y = sp.symbols("x y", real=True)

FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "exp": sp.exp, "log": sp.log, "ln": sp.log,
    "sqrt": sp.sqrt, "abs": sp.Abs,
}
CONSTANTS = {"pi": sp.pi, "e": sp.E, "x": X, "y": Y}

MAX_LENGTH = 400  # characters of input
MAX_DEPTH = 40  # nesting of parentheses / unary operators
MAX_EXPONENT = 64  # |n| in (expression in x, y)^n
MAX_LOG10 = 300  # constant numbers must stay below 10^300 in magnitude
MAX_DIGITS = 40  # digits in one number literal

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),]))"
)
_BINARY = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 40}  # binding powers; ^ is right-associative
_UNARY = 30  # -x^2 = -(x^2), but -x*y = (-x)*y


class ParseError(ValueError):
    """The text is not an admissible f(x, y). ``pos`` is the 0-based character position."""

    def __init__(self, message: str, pos: int):
        super().__init__(f"{message} (at position {pos})")
        self.pos = pos


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split into tokens; the first character that starts no token raises ParseError."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the formula is too long ({len(text)} characters, at most {MAX_LENGTH})", MAX_LENGTH)
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            ch = text[start]
            why = {
                ".": "attribute access is not allowed",
                "'": "strings are not allowed", '"': "strings are not allowed",
                "[": "indexing is not allowed", "=": "write only the right-hand side f(x, y)",
                ":": "lambdas and slices are not allowed",
            }.get(ch, "only numbers, x, y, + - * / ^, parentheses and functions are allowed")
            for earlier in tokens:  # `__import__('os')`: the unknown name is the clearer message
                if earlier.kind == "name" and earlier.text not in FUNCTIONS and earlier.text not in CONSTANTS:
                    raise _unknown_name(earlier)
            raise ParseError(f"unexpected character {ch!r}: {why}", start)
        kind = m.lastgroup
        tokens.append(Token(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def parse(text: str) -> sp.Expr:
    """``text`` → sympy expression in the real symbols ``X``, ``Y`` (module constants).

    Raises ParseError with a message and position for anything outside the grammar.
    """
    if not text or not text.strip():
        raise ParseError("the formula is empty: type an expression in x and y, e.g. x^2 + 3*y^2", 0)
    return _Parser(tokenize(text)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens, self.i, self.depth = tokens, 0, 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> sp.Expr:
        expr = self.expression(0)
        tok = self.peek()
        if tok.kind != "end":
            if tok.kind in ("num", "name") or tok.text == "(":
                raise ParseError(f"missing operator before {tok.text!r} (write * for products, e.g. 2*x)", tok.pos)
            raise ParseError(f"unexpected {tok.text!r}", tok.pos)
        return expr

    def expression(self, min_bp: int) -> sp.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)", self.peek().pos)
        left = self.prefix()
        while True:
            tok = self.peek()
            op = "^" if tok.text == "**" else tok.text
            if tok.kind != "op" or op not in _BINARY:
                break
            bp = _BINARY[op]
            if bp < min_bp or (bp == min_bp and op != "^"):
                break
            self.next()
            right = self.expression(bp if op == "^" else bp + 1)
            left = _combine(op, left, right, tok.pos)
        self.depth -= 1
        return left

    def prefix(self) -> sp.Expr:
        tok = self.next()
        if tok.kind == "num":
            return _number(tok)
        if tok.kind == "op" and tok.text in "+-":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ParseError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)", tok.pos)
            operand = self.expression(_UNARY)
            self.depth -= 1
            return -operand if tok.text == "-" else operand
        if tok.kind == "op" and tok.text == "(":
            inner = self.expression(0)
            self.expect(")", tok)
            return inner
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "end":
            raise ParseError("the formula ends too early: an operand is missing", tok.pos)
        raise ParseError(f"unexpected {tok.text!r}: an operand is missing", tok.pos)

    def name(self, tok: Token) -> sp.Expr:
        word = tok.text
        if word in FUNCTIONS:
            if self.peek().text != "(":
                raise ParseError(f"{word} is a function: write {word}(...)", tok.pos)
            open_tok = self.next()
            arg = self.expression(0)
            if self.peek().text == ",":
                raise ParseError(f"{word} takes one argument", self.peek().pos)
            self.expect(")", open_tok)
            return _guard(FUNCTIONS[word](arg), tok.pos)
        if word in CONSTANTS:
            if self.peek().text == "(":
                raise ParseError(f"{word!r} is not a function (write * for products)", self.peek().pos)
            return CONSTANTS[word]
        raise _unknown_name(tok)

    def expect(self, text: str, opener: Token) -> None:
        tok = self.next()
        if tok.text != text:
            where = "end of the formula" if tok.kind == "end" else repr(tok.text)
            raise ParseError(f"expected {text!r} to close the {opener.text!r} at position {opener.pos}, "
                             f"found {where}", tok.pos)


def _unknown_name(tok: Token) -> ParseError:
    word = tok.text
    if word == "lambda":
        return ParseError("lambda is not allowed: type an expression in x and y", tok.pos)
    if word.startswith("_"):
        return ParseError(f"unknown name {word!r}: names starting with _ are not allowed", tok.pos)
    allowed = ", ".join(sorted(FUNCTIONS))
    return ParseError(f"unknown name {word!r}: use x, y, pi, e and the functions {allowed}", tok.pos)


def _number(tok: Token) -> sp.Expr:
    mantissa = tok.text.lower().split("e")[0]
    if len(mantissa.replace(".", "")) > MAX_DIGITS:
        raise ParseError(f"the number {tok.text[:12]}… has too many digits (at most {MAX_DIGITS})", tok.pos)
    value = float(tok.text)
    if not math.isfinite(value) or (value != 0 and abs(math.log10(value)) > MAX_LOG10):
        raise ParseError(f"the number {tok.text} is out of range (|n| must be within 10^±{MAX_LOG10})", tok.pos)
    if re.fullmatch(r"\d+", tok.text):
        return sp.Integer(int(tok.text))
    return sp.Rational(tok.text) if len(tok.text) <= 12 else sp.Float(tok.text, 17)


def _log10_abs(value: sp.Expr) -> float:
    """log10 |value| of a constant, without building the number (mpmath at low precision)."""
    v = complex(sp.N(value, 15))
    return -math.inf if v == 0 else math.log10(abs(v))


def _combine(op: str, left: sp.Expr, right: sp.Expr, pos: int) -> sp.Expr:
    if op == "+":
        return _guard(left + right, pos)
    if op == "-":
        return _guard(left - right, pos)
    if op == "*":
        return _guard(left * right, pos)
    if op == "/":
        if right == 0:
            raise ParseError("division by zero", pos)
        return _guard(left / right, pos)
    # power: bound it before sympy builds it (9^9^9 would compute a huge exact integer)
    if not right.free_symbols and not right.is_number:
        raise ParseError("the exponent must be a number", pos)
    if left.free_symbols:
        if right.free_symbols:
            raise ParseError("exponents containing x or y are not supported (use exp(...) instead)", pos)
        r = complex(sp.N(right, 15))
        if abs(r) > MAX_EXPONENT:
            raise ParseError(f"the exponent {sp.N(right, 6)} is too large (|exponent| ≤ {MAX_EXPONENT} "
                             "for a power of an expression in x, y)", pos)
        return _guard(sp.Pow(left, right), pos)
    if right.free_symbols:  # e.g. 2^x: a constant base, real only when it is positive
        if not _real_value(left) > 0:
            raise ParseError(f"the base {_show(left)} of a power with x or y in the exponent must be "
                             "positive (b^x is not real for b ≤ 0; use exp(...) instead)", pos)
        return _guard(sp.Pow(left, right), pos)
    base_log = _log10_abs(left)
    r = complex(sp.N(right, 15))
    if abs(r) > 1e6 or (base_log != -math.inf and abs(r.real * base_log) > MAX_LOG10):
        raise ParseError(f"the power is too large (the result must stay within 10^±{MAX_LOG10})", pos)
    return _guard(sp.Pow(left, right), pos)


def _real_value(value: sp.Expr) -> float:
    """A constant as a float; NaN when it is not a real number (e.g. sqrt(−1), asin(2))."""
    try:
        v = complex(sp.N(value, 15))
    except (TypeError, ValueError, OverflowError):
        return math.nan
    return v.real if abs(v.imag) <= 1e-12 * max(1.0, abs(v.real)) else math.nan


def _show(value: sp.Expr) -> str:
    text = str(value)
    return text if len(text) <= 30 else str(sp.N(value, 6))


def _guard(expr: sp.Expr, pos: int) -> sp.Expr:
    """Reject constants that grew too large (e.g. 1e200 * 1e200), are not real (sqrt(−1)) or are
    undefined (0^(−1), log(0), tan(pi/2))."""
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise ParseError("the expression is undefined (division by zero or infinity)", pos)
    if expr.is_number:
        if expr.is_extended_real is False or (expr.has(sp.I) and math.isnan(_real_value(expr))):
            raise ParseError(f"{_show(expr)} is not a real number: f(x, y) must be real", pos)
        try:
            big = _log10_abs(expr) > MAX_LOG10
        except (TypeError, ValueError, OverflowError):
            big = False
        if big:
            raise ParseError(f"a number exceeds 10^{MAX_LOG10}", pos)
        if expr.is_extended_real is None and math.isnan(_real_value(expr)):
            raise ParseError(f"{_show(expr)} is not a real number: f(x, y) must be real", pos)
    elif expr.has(sp.I):  # e.g. x + sqrt(-1) slipped through as a sum
        raise ParseError("the expression is not real (it contains sqrt(−1)): f(x, y) must be real", pos)
    return expr


def variables_ok(expr: sp.Expr) -> bool:
    """True when the expression depends on nothing but x and y."""
    return expr.free_symbols <= {X, Y}

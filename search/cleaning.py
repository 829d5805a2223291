"""Text as it will be indexed, shown and offset into: paragraphs, a title, nothing dangerous.

Every character offset elsewhere in docscope (entity mentions, quotes, search highlights)
refers to ``CleanText.text``, so cleaning is a pure function of its input: the same bytes
always give the same text. The rules, each learnt from real files (see ``seeds/``):

* Terminal escape sequences and control characters are removed: document text reaches a
  terminal, and an escape sequence in a document must not restyle, retitle or rewrite it.
* Page chrome scraped along with the article ("top of page", "advertisement") is dropped.
* Paragraphs are joined by exactly one blank line. A single newline also ends a paragraph
  when lines are long (one line per paragraph, as web scrapes write them); lines that are
  hard-wrapped at a fixed width are joined back together.
* A heading scraped without its line break ("...new changesPresident Xi...") is split from
  the paragraph it was glued to; real mixed-case words (McDonald, iPhone, YouTube) are not.
* The title is the first heading-like line, else a short first sentence, else the file name.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from search.glued_headings import fix_glued_label, split_glued_heading
from search.records import CleanText
from search.safe_text import unsafe_except
from search.titles import find_title

__all__ = ["clean_html", "clean_markdown", "clean_text", "strip_controls"]

# --- control characters ----------------------------------------------------------------------

_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                    # CSI: colours, cursor moves, erase
    | \x9b[0-?]*[ -/]*[@-~]                    # CSI, 8-bit form
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])  # OSC (links, OSC 52, titles), DCS, SOS, PM, APC
      [^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?  # ... up to BEL or ST (or the end of the line)
    | \x1b[!-/]{0,2}[0-~]                      # any other sequence (charset, keypad, reset)
    """,
    re.VERBOSE,
)
_CONTROLS = unsafe_except(keep="\n\t")
"""C0 (but tab and newline), DEL, C1, and the bidi overrides that can make text on screen read
differently from the text that was indexed: ``search.safe_text``'s one definition."""

_LINE_BREAKS = ("\x0b", "\x0c", "\x85", "\u2028", "\u2029")
"""Characters that end a line besides ``\n`` and ``\r``."""
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]")
"""Soft hyphen, zero-width space, word joiner, stray BOM: invisible, yet they split words for
search and hide glued headings."""


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping ``\\n`` and ``\\t``.

    An OSC 8 hyperlink keeps its visible text and loses the link; OSC 52 (clipboard) and
    DCS payloads go entirely. An escape sequence left unterminated is removed to the end of
    its line, never further: a stray ESC must not swallow the rest of a document.
    """
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def _normalise(raw: str) -> str:
    """One newline convention, no controls, no invisible characters, NFC."""
    text = raw
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for line_break in _LINE_BREAKS:
        if line_break in text:
            text = text.replace(line_break, "\n")
    text = strip_controls(text)
    if text.isascii():
        return text
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _collapse(line: str) -> str:
    """Runs of any whitespace (tabs, no-break spaces) become one space; ends are trimmed."""
    return " ".join(line.split())


_ODD_SPACE = re.compile(r"[^\S\n ]")
"""Whitespace other than a plain space or newline (tab, no-break space, em space...)."""


def _collapse_blanks(text: str) -> tuple[str, bool]:
    """Collapse blanks across a whole text if cheap; say whether lines still need it.

    Plain ASCII spaces and tabs are handled with ``str.replace`` (far faster than a regex
    or a split per line); other Unicode blanks are left to ``_collapse`` line by line.
    """
    if "\t" in text:
        text = text.replace("\t", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text, not text.isascii() and _ODD_SPACE.search(text) is not None


# --- page chrome -----------------------------------------------------------------------------

_CHROME = frozenset(
    {
        "top of page", "bottom of page", "back to top", "return to top", "go to top",
        "scroll to top", "top of the page", "back to the top", "skip to content",
        "skip to main content", "skip to navigation", "skip navigation", "jump to content",
        "jump to navigation", "advertisement", "advertisements", "advert", "sponsored",
        "sponsored content", "paid content", "share this article", "share this story",
        "share this page", "share this post", "share this", "share", "share on facebook",
        "share on twitter", "share on x", "share on linkedin", "tweet", "print",
        "print this page", "print this article", "email this article", "email this page",
        "email", "read more", "continue reading", "related articles", "related stories",
        "related content", "more on this story", "subscribe", "subscribe now",
        "sign up for our newsletter", "accept cookies", "cookie settings",
        "toggle navigation", "open menu", "close menu",
    }
)  # fmt: skip
"""Whole lines that are website furniture, compared lower-cased without punctuation."""

_CHROME_TRIM = " -–—|•·*>:.!?()[]{}<>↑^#_=~\"'«»"


def _is_chrome(line: str) -> bool:
    """True for a line that is only page furniture ("Top of page", "- Advertisement -")."""
    return len(line) <= 40 and line.lower().strip(_CHROME_TRIM) in _CHROME


# --- paragraphs ------------------------------------------------------------------------------

_WRAP_MAX = 100
"""Lines longer than this are never hard-wrapped text: each is a paragraph of its own."""
_WRAP_MIN = 40
"""Blocks whose longest line is shorter are lists, verse or addresses: lines stay apart."""
_SENTENCE_END_CHARS = frozenset(".!?:;\"”’)")


def _blocks(text: str) -> list[list[str]]:
    """Group collapsed, non-chrome lines into blocks separated by blank (or chrome) lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    text, collapse = _collapse_blanks(text)
    for raw in text.split("\n"):
        line = _collapse(raw) if collapse else raw.strip()
        if not line or (len(line) <= 40 and _is_chrome(line)):
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _unwrap(block: list[str]) -> list[str]:
    """Turn one block of lines into paragraphs.

    Long lines are paragraphs already (seed 000 writes one line per paragraph). A block of
    lines of similar, moderate length is hard-wrapped prose: its lines are joined, and a
    markedly shorter line ends a paragraph (it is a last line or a heading).
    """
    if len(block) == 1:
        return block
    longest = max(map(len, block))
    if longest > _WRAP_MAX or longest < _WRAP_MIN:
        return block
    if all(line[-1] in _SENTENCE_END_CHARS for line in block[:-1]):
        return block  # one sentence a line: each line is meant to stand alone
    paragraphs: list[str] = []
    current: list[str] = []
    for line in block:
        current.append(line)
        if len(line) < longest * 0.6:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _fallback(title: str) -> str:
    """A caller's fallback title, made as safe as any text (file names hold escapes too)."""
    return _collapse(strip_controls(title)) or "untitled"


def _assemble(
    paragraphs: Iterable[str],
    fallback_title: str,
    title: str | None = None,
    *,
    chrome_checked: bool = False,
) -> CleanText:
    """Apply the paragraph-level fixes, pick a title, join with one blank line."""
    kept = [p for p in paragraphs if p and (chrome_checked or not _is_chrome(p))]
    out: list[str] = []
    for paragraph in kept:
        if paragraph.find(":", 0, 48) >= 0:
            paragraph = fix_glued_label(paragraph)
        out.extend(split_glued_heading(paragraph, kept))
    if not title:
        title = find_title(out, _fallback(fallback_title))
    return CleanText(title=title, text="\n\n".join(out))


# --- the three cleaners ----------------------------------------------------------------------


_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|amp|lt|gt|quot|apos|nbsp);")
"""HTML character references left in plain text by scrapers ("&#163;1.8m", "&amp;")."""


def _unescape_references(text: str) -> str:
    """Turn stray HTML character references into the characters they stand for."""
    return _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group(0)), text)


def clean_text(raw: str, fallback_title: str, *, title: str | None = None) -> CleanText:
    """Clean plain text: see the module docstring for the rules.

    ``title``, when the caller already has one (a JSONL record's), is cleaned and used
    instead of searching the text for one; blank, it is ignored.
    """
    text = _normalise(_unescape_references(raw))
    paragraphs = [p for block in _blocks(text) for p in _unwrap(block)]
    known = _collapse(_normalise(_unescape_references(title))) if title else None
    return _assemble(paragraphs, fallback_title, known or None, chrome_checked=True)


_DROPPED_ELEMENTS = (
    "script, style, noscript, template, nav, aside, form, button, select, svg, iframe, "
    "object, embed, canvas, [hidden], [aria-hidden=true], [role=navigation]"
)
_BLOCK_ELEMENTS = (
    "address, article, blockquote, dd, details, dialog, div, dl, dt, fieldset, figcaption, "
    "figure, h1, h2, h3, h4, h5, h6, hr, li, main, ol, p, pre, section, summary, table, "
    "tr, td, th, ul, caption, header, footer"
)
_BREAK = "\x1e"
"""Paragraph marker put into the tree; safe because controls were stripped beforehand."""


def clean_html(raw_html: str, fallback_title: str) -> CleanText:
    """Clean an HTML page: the article's text, without scripts, menus and page furniture.

    The title is the first ``<h1>`` when the ``<title>`` contains it (``<title>`` is usually
    "Headline | Site name"), else ``<title>``, else the first ``<h1>``, else the text rules.
    Headers and footers are dropped only outside ``<article>``/``<main>``: an article's own
    header holds its headline.
    """
    tree = LexborHTMLParser(strip_controls(raw_html))
    page_title = _text_of(tree.css_first("title"))
    headline = _text_of(tree.css_first("h1"))
    title = headline if headline and headline in page_title else page_title or headline
    root = tree.body or tree.root
    if root is None:
        return _assemble([], fallback_title)
    for node in root.css(_DROPPED_ELEMENTS):
        node.decompose()
    for node in root.css("header, footer"):
        if not _inside_content(node):
            node.decompose()
    for node in root.css(_BLOCK_ELEMENTS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    for node in root.css("br"):
        node.insert_after(_BREAK)
    pieces = root.text(deep=True, separator="").split(_BREAK)
    paragraphs = (_collapse(_normalise(piece)) for piece in pieces)
    return _assemble(paragraphs, fallback_title, title or None)


def _text_of(node: LexborNode | None) -> str:
    """The collapsed text of a selectolax node, or "" when there is none."""
    return "" if node is None else _collapse(_normalise(node.text(deep=True)))


def _inside_content(node: LexborNode) -> bool:
    """Whether ``node`` sits inside the page's article (its header is then the headline's)."""
    parent = node.parent
    while parent is not None:
        if parent.tag in ("article", "main"):
            return True
        parent = parent.parent
    return False


_FENCE = re.compile(r"^(```|~~~)")
_ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_QUOTE_MARK = re.compile(r"^(?:>\s?)+")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.MULTILINE)


def clean_markdown(raw: str, fallback_title: str) -> CleanText:
    """Clean Markdown lightly: headings lose their ``#``s, links keep their words.

    The first level-1 heading is the title (else a front-matter ``title:``, else the text
    rules). Lines of a paragraph are joined, as Markdown renders them; headings and list
    items are paragraphs of their own; YAML front matter and horizontal rules are dropped.
    """
    text = _normalise(raw)
    text, front_title = _front_matter(text)
    paragraphs: list[str] = []
    current: list[str] = []
    title: str | None = None
    in_code = False

    def flush() -> None:
        if current:
            paragraphs.append(_inline_markdown(" ".join(current)))
            current.clear()

    for raw_line in text.split("\n"):
        line = _collapse(raw_line)
        if _FENCE.match(line):
            flush()
            in_code = not in_code
            continue
        if in_code:
            if line:
                paragraphs.append(line)
            continue
        line = _QUOTE_MARK.sub("", line)
        if not line or _is_chrome(line) or (_RULE.match(line) and not current):
            flush()
            continue
        if _SETEXT.match(line) and current:
            heading = _inline_markdown(" ".join(current))
            current.clear()
            paragraphs.append(heading)
            if title is None and line.startswith("="):
                title = heading
            continue
        heading_match = _ATX.match(line)
        if heading_match:
            flush()
            heading = _inline_markdown(heading_match.group(2))
            if heading:
                paragraphs.append(heading)
                if title is None and len(heading_match.group(1)) == 1:
                    title = heading
            continue
        if _LIST_ITEM.match(line):
            flush()
        current.append(line)
    flush()
    return _assemble(paragraphs, fallback_title, title or front_title)


def _front_matter(text: str) -> tuple[str, str | None]:
    """Drop a leading YAML front-matter block; return the rest and its ``title:`` if any."""
    if not text.startswith("---\n"):
        return text, None
    end = text.find("\n---", 4, 8192)
    if end < 0:
        return text, None
    found = _FRONT_TITLE.search(text, 4, end)
    rest = text[end + 4 :]
    return rest, (_collapse(found.group(1)) or None) if found else None


def _inline_markdown(paragraph: str) -> str:
    """Links and images keep their words, ``**strong**`` and ``code`` lose their marks."""
    if "[" in paragraph:
        paragraph = _IMAGE_OR_LINK.sub(r"\1", paragraph)
    if "**" in paragraph or "__" in paragraph:
        paragraph = _STRONG.sub(r"\2", paragraph)
    if "`" in paragraph:
        paragraph = _CODE_SPAN.sub(r"\1", paragraph)
    return _collapse(paragraph)

"""Cleaning: controls out, chrome out, paragraphs kept, glued headings split, titles found."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from search.cleaning import clean_html, clean_markdown, clean_text, strip_controls
from search.decoding import decode_bytes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_000 = SEEDS / "000_dee7f317bebf9e16.txt"
SEED_004 = SEEDS / "004_8c6d034b33b3b9e9.txt"

LONG_1 = (
    "The decision by South Korea and China to initiate their first round of diplomatic and "
    "security dialogue represents a pivotal moment for both nations."
)
LONG_2 = (
    "This dialogue not only aims to address bilateral issues but also encompasses broader "
    "regional and international concerns, including security dynamics on the Korean peninsula."
)


def _seed(path: Path) -> str:
    return decode_bytes(path.read_bytes())[0]


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --- strip_controls --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[1;31mred\x1b[0m text", "red text"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("see \x1b]8;;https://example.com\x1b\\the link\x1b]8;;\x1b\\ here", "see the link here"),
        ("copy \x1b]52;c;ZXZpbCBwYXlsb2Fk\x07done", "copy done"),
        ("title \x1b]0;owned\x07kept", "title kept"),
        ("dcs \x1bPq#0;2;0;0;0\x1b\\gone", "dcs gone"),
        ("bell\x07 and nul\x00 and del\x7f", "bell and nul and del"),
        ("c1 \x85\x9b31mx", "c1 x"),
        ("lone \x1b escape", "lone  escape"),
        ("form\x0cfeed\x0bvt\x08bs", "formfeedvtbs"),
        ("rtl \u202eevil\u202c text", "rtl evil text"),
    ],
)
def test_strip_controls_removes_escapes_and_controls(raw: str, expected: str) -> None:
    assert strip_controls(raw) == expected


def test_strip_controls_keeps_newlines_tabs_and_unicode() -> None:
    text = "Line one\n\tindented “quoted” café — 北京\n"
    assert strip_controls(text) == text


def test_unterminated_osc_stops_at_the_end_of_its_line() -> None:
    assert strip_controls("a\x1b]8;;http://x\nsecond line") == "a\nsecond line"


def test_markup_like_text_is_data_and_is_kept_literally() -> None:
    text = "Press [bold]x[/] or [link=https://x]here[/link] to continue."
    assert strip_controls(text) == text
    assert clean_text(text, "t").text == text


# --- paragraphs ------------------------------------------------------------------------------


def test_paragraphs_are_joined_by_exactly_one_blank_line() -> None:
    clean = clean_text(f"\n\n  {LONG_1}  \n\n\n\n{LONG_2}\n\n\n", "t")
    assert clean.text == f"{LONG_1}\n\n{LONG_2}"


def test_one_long_line_per_paragraph_becomes_paragraphs() -> None:
    assert _paragraphs(clean_text(f"{LONG_1}\n{LONG_2}\n", "t").text) == [LONG_1, LONG_2]


def test_hard_wrapped_lines_are_joined_into_one_paragraph() -> None:
    wrapped = (
        "Enhanced trade agreements can reduce barriers, streamline customs\n"
        "procedures, and increase market access for South Korean products in\n"
        "China and vice versa. This can spur economic growth and create jobs\n"
        "in both countries.\n"
    )
    assert clean_text(wrapped, "t").text == " ".join(wrapped.split())


def test_spaces_and_tabs_collapse_within_a_paragraph() -> None:
    clean = clean_text("Both  nations\tstand   to\u00a0benefit  significantly.", "t")
    assert clean.text == "Both nations stand to benefit significantly."


@pytest.mark.parametrize(
    "chrome",
    ["top of page", "Bottom of page", "BACK TO TOP", "Skip to content", "- Advertisement -",
     "Share this article", "↑ Back to top"],
)  # fmt: skip
def test_page_chrome_lines_are_removed(chrome: str) -> None:
    clean = clean_text(f"{chrome}\n\nA Pivotal Moment\n\n{LONG_1}\n{chrome}\n", "t")
    assert clean.text == f"A Pivotal Moment\n\n{LONG_1}"


def test_chrome_words_inside_a_sentence_stay() -> None:
    text = "Readers clicked back to top stories after the advertisement ran on the front page."
    assert clean_text(text, "t").text == text


def test_cleaning_is_deterministic() -> None:
    raw = _seed(SEED_000)
    assert clean_text(raw, "x") == clean_text(raw, "x")


# --- glued headings --------------------------------------------------------------------------


def test_glued_heading_is_split_from_its_paragraph() -> None:
    raw = (
        "China-South Korea economic ties undergoing new changesPresident Xi Jinping made four "
        "proposals on opening up new prospects for China-South Korea relations."
    )
    assert _paragraphs(clean_text(raw, "t").text) == [
        "China-South Korea economic ties undergoing new changes",
        "President Xi Jinping made four proposals on opening up new prospects for "
        "China-South Korea relations.",
    ]


def test_title_case_heading_glued_to_a_capitalised_word_is_split() -> None:
    raw = "Economic Synergies and Trade PotentialsChina and South Korea share robust economic ties."
    assert _paragraphs(clean_text(raw, "t").text)[:2] == [
        "Economic Synergies and Trade Potentials",
        "China and South Korea share robust economic ties.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Record sales at McDonald restaurants in Asia lifted the chain's results this year.",
        "Analysts expect the new iPhone models to sell strongly across China and Korea.",
        "Shares in PlayStation maker Sony rose sharply on Monday after strong results.",
        "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn in the quarter.",
        "Videos on YouTube about the summit drew millions of viewers within a few days.",
        "Researchers at DeepMind published a paper on protein folding last week in London.",
        "Senator McCain said the committee would review the trade agreement next month.",
    ],
)
def test_real_mixed_case_words_are_not_split(sentence: str) -> None:
    assert clean_text(sentence, "t").text == sentence


def test_glued_label_gets_its_space_back() -> None:
    clean = clean_text("Editor's Note:Chinese President Xi Jinping paid a state visit.", "t")
    assert clean.text == "Editor's Note: Chinese President Xi Jinping paid a state visit."


def test_seed_000_glued_headings_are_split() -> None:
    paragraphs = _paragraphs(clean_text(_seed(SEED_000), "000 dee7f317bebf9e16").text)
    for heading, following in [
        ("China-South Korea economic ties undergoing new changes", "President Xi Jinping made"),
        ("Promoting the building of Asia-Pacific community", "Currently"),
        ("Injecting new momentum into Asia-Pacific development", "This year marks"),
    ]:
        index = paragraphs.index(heading)
        assert paragraphs[index + 1].startswith(following)
    assert not any("changesPresident" in p or "communityCurrently" in p for p in paragraphs)


# --- titles ----------------------------------------------------------------------------------


def test_seed_004_title_and_first_line() -> None:
    clean = clean_text(_seed(SEED_004), "004 8c6d034b33b3b9e9")
    assert clean.title == "A Pivotal Moment for South Korea and China"
    assert clean.text.startswith("A Pivotal Moment for South Korea and China\n\nThe decision by")
    assert "top of page" not in clean.text and "bottom of page" not in clean.text
    assert clean.text.endswith("a more resilient and prosperous East Asia.")
    assert "Economic Synergies and Trade Potentials" in _paragraphs(clean.text)


def test_seed_000_has_no_heading_so_the_file_name_is_the_title() -> None:
    clean = clean_text(_seed(SEED_000), "000 dee7f317bebf9e16")
    assert clean.title == "000 dee7f317bebf9e16"
    first, second = _paragraphs(clean.text)[:2]
    assert first.endswith("Gwangan Bridge in Busan, South Korea Photos: VCG")  # caption stays
    assert second.startswith("Editor's Note: Chinese President Xi Jinping paid a state visit")


def test_title_is_a_short_first_line() -> None:
    clean = clean_text(f"Ad sales boost Time Warner profit\n\n{LONG_1}", "fallback")
    assert clean.title == "Ad sales boost Time Warner profit"
    assert clean.text.startswith(clean.title)


def test_photo_caption_is_not_the_title() -> None:
    raw = f"Gwangan Bridge in Busan Photo: VCG\n\nTrade Ties Deepen\n\n{LONG_1}"
    assert clean_text(raw, "fallback").title == "Trade Ties Deepen"


def test_short_first_sentence_is_the_title_when_there_is_no_heading() -> None:
    raw = f"Chelsea have sacked Adrian Mutu. {LONG_1}"
    assert clean_text(raw, "fallback").title == "Chelsea have sacked Adrian Mutu"


def test_long_opening_sentence_falls_back_to_the_file_name() -> None:
    assert clean_text(f"{LONG_1} {LONG_2}", "my notes").title == "my notes"


def test_fallback_title_is_cleaned_too() -> None:
    assert clean_text(f"{LONG_1} {LONG_2}", "evil\x1b[31m  name").title == "evil name"


def test_empty_input_gives_empty_text() -> None:
    clean = clean_text(" \n\t\n top of page \n", "empty one")
    assert clean.text == ""
    assert clean.title == "empty one"


# --- HTML and Markdown -----------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>A Pivotal Moment | Example Times</title>
<style>p { color: red }</style><script>track("x")</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>A Pivotal Moment</h1>
<p>The decision by South Korea &amp; China
   to initiate   dialogue.</p>
<div>Both nations <b>stand</b> to benefit.<p>Nested block.</p></div>
<aside>Related: other stories</aside><p>Advertisement</p>
<p>Colour \x1b[31mescape\x1b[0m removed.</p></article>
<footer>Copyright 2024</footer></body></html>"""


def test_html_keeps_the_article_and_drops_the_furniture() -> None:
    clean = clean_html(PAGE, "fallback")
    assert clean.title == "A Pivotal Moment"
    assert _paragraphs(clean.text) == [
        "A Pivotal Moment",
        "The decision by South Korea & China to initiate dialogue.",
        "Both nations stand to benefit.",
        "Nested block.",
        "Colour escape removed.",
    ]


def test_html_title_falls_back_to_the_title_element() -> None:
    clean = clean_html("<title>Only A Title</title><p>Body text here.</p>", "fallback")
    assert clean.title == "Only A Title"
    assert clean.text == "Body text here."


def test_markdown_heading_is_the_title_without_hashes() -> None:
    raw = (
        "# A Pivotal Moment\n\nThe decision by [South Korea](https://x.kr) and **China**\n"
        "to initiate dialogue.\n\n## Economic Synergies ##\n\n- trade\n- security\n"
    )
    clean = clean_markdown(raw, "fallback")
    assert clean.title == "A Pivotal Moment"
    assert _paragraphs(clean.text) == [
        "A Pivotal Moment",
        "The decision by South Korea and China to initiate dialogue.",
        "Economic Synergies",
        "- trade",
        "- security",
    ]


def test_no_control_character_survives_random_input() -> None:
    """Whatever the bytes, the cleaned text a screen receives holds no control characters."""
    generator = random.Random(11)
    alphabet = "ab \n\t\x1b[]\\;\x07\x9b\x9d\x00\x7f\x85\u202e:P8#m0123" + "é—"
    for _ in range(300):
        raw = "".join(generator.choice(alphabet) for _ in range(generator.randrange(60)))
        for text in (strip_controls(raw), clean_text(raw, "t").text):
            assert not any(
                (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e"
                for ch in text
            )


def test_stray_html_character_references_become_characters() -> None:
    cleaned = clean_text("&#163;1.8m indecency fine for Viacom\n\nPok&#233;mon &amp; friends cost &#163;5.", "x")
    assert cleaned.title == "£1.8m indecency fine for Viacom"
    assert "Pokémon & friends cost £5." in cleaned.text
    assert clean_text("AT&T and R&D stay; &bogus; too.", "x").text == "AT&T and R&D stay; &bogus; too."

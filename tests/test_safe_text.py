"""Account text made safe to show (flexaudit/safe_text.py)."""

import pytest
from markupsafe import Markup

from flexaudit import safe_text
from flexaudit.safe_text import one_line, prose


def test_one_line_neutralises_breaks_controls_and_bidi():
    assert one_line("a\nb\r\nc\td") == "a b c d"
    assert one_line("x\x1b[2Jy\x07") == "x\ufffd[2Jy\ufffd"
    assert one_line("\u202eevil") == "\ufffdevil"
    assert one_line(None) == ""


def test_one_line_shortcut_for_printable_text_is_sound():
    # one_line returns printable text untouched: only right while everything
    # its patterns replace is unprintable.
    replaced = [c for c in map(chr, range(0x10000)) if safe_text._CONTROL.match(c) or safe_text._LINE_BREAKS.match(c)]
    assert replaced and not any(c.isprintable() for c in replaced)


class _MarkupStr:
    def __init__(self, text):
        self.text = text

    def __str__(self):
        return Markup(self.text)


@pytest.mark.parametrize("text", ["<b>", "<b>\n"])
def test_one_line_never_returns_markup(text):
    # Renderers escape what one_line returns; a Markup would skip that.
    assert type(one_line(_MarkupStr(text))) is str


# The regular expressions one_line and step_segments were first written with:
# the definitions the faster code must keep matching exactly.


@pytest.mark.parametrize("value, expected", [
    ("use `rm -rf`\n now", "use 'rm -rf' now"),  # no code span can open, one line
    ("  a \t b  ", "a b"),
    ("\x1b]52;c;aGk=\x07", "\ufffd]52;c;aGk=\ufffd"),  # OSC 52: the controls are gone
    (None, ""),
    (42, ""),
])
def test_prose_is_one_line_of_plain_text(value, expected):
    assert prose(value) == expected


def test_prose_limit_and_default():
    assert prose("x" * 500, limit=120) == "x" * 120
    assert prose("   ", "none") == "none"
    assert prose(None, "none", limit=3) == "none"

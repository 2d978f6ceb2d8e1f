"""The progress of a fleet scan on a terminal: one line per running account, redrawn in place."""

from __future__ import annotations

import io

from flexaudit.commands.account_lines import AccountLines

from tests.support.sids import sid

A, B = sid("AC", 1), sid("AC", 2)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def screen(text: str) -> list[str]:
    """What a terminal shows after `text`: lines, with \\x1b[nF (n lines up) and \\x1b[J (clear below) applied."""
    lines, row, i = [""], 0, 0
    while i < len(text):
        if text.startswith("\x1b[", i):
            end = i + 2
            while not text[end].isalpha():
                end += 1
            arg, op = text[i + 2:end], text[end]
            if op == "F":
                row -= int(arg or 1)
            elif op == "J":
                del lines[row + 1:]
                lines[row] = ""
            i = end + 1
            continue
        if text[i] == "\n":
            row += 1
            if row == len(lines):
                lines.append("")
        else:
            lines[row] += text[i]
        i += 1
    return [line for line in lines if line]


def test_one_line_per_running_account_and_a_result_line_when_it_ends():
    out, clock = io.StringIO(), Clock()
    lines = AccountLines(out, width=lambda: 120, clock=clock)
    lines.start(A, "Parent")
    lines.start(B, "Retail EU")
    clock.now += 1
    lines.update(A, "phone numbers: 4")
    assert screen(out.getvalue()) == [f"scanning {A} Parent: phone numbers: 4", f"scanning {B} Retail EU: starting"]
    lines.finish(A, "exit 0")
    assert screen(out.getvalue()) == [f"{A} Parent: exit 0", f"scanning {B} Retail EU: starting"]
    lines.finish(B, "exit 3, scan incomplete: could not read proxy")
    lines.close()
    assert screen(out.getvalue()) == [f"{A} Parent: exit 0", f"{B} Retail EU: exit 3, scan incomplete: could not read proxy"]


def test_updates_are_drawn_at_most_ten_times_a_second():
    out, clock = io.StringIO(), Clock()
    lines = AccountLines(out, width=lambda: 80, clock=clock)
    lines.start(A, None)
    drawn = out.getvalue()
    for n in range(50):
        lines.update(A, f"chat: page {n}")
    assert out.getvalue() == drawn  # within 0.1 s of the last draw: kept, not drawn
    clock.now += 0.2
    lines.update(A, "chat: page 50")
    assert screen(out.getvalue()) == [f"scanning {A}: chat: page 50"]


def test_account_text_cannot_move_the_cursor_and_no_line_wraps():
    out = io.StringIO()
    lines = AccountLines(out, width=lambda: 40, clock=Clock())
    lines.start(A, "\x1b[2J\x1b[HEvil\nName \u202eright-to-left")
    lines.update(A, "\x1b[31m" + "漢" * 40)
    text = out.getvalue()
    assert "\x1b[2J" not in text and "\x1b[H" not in text and "\x1b[31m" not in text and "\u202e" not in text
    for line in screen(text):
        width = sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in line)
        assert width <= 39, line


def test_nothing_at_all_without_a_stream():
    lines = AccountLines(None)
    lines.start(A, "Parent")
    lines.update(A, "x")
    lines.finish(A, "exit 0")
    lines.close()  # and no error


def test_the_orchestrators_family_events_are_not_shown_as_notes():
    from flexaudit.scan.interface import FamilyProgress

    out, clock = io.StringIO(), Clock()
    lines = AccountLines(out, width=lambda: 120, clock=clock)
    lines.start(A, "Parent")
    clock.now += 1
    lines.update(A, "flex flows: 27")
    clock.now += 1
    lines.update(A, FamilyProgress("chat", finished=False))  # the same callback a one-account scan gets
    clock.now += 1
    lines.update(A, FamilyProgress("chat", finished=True))
    assert screen(out.getvalue()) == [f"scanning {A} Parent: flex flows: 27"]

"""Markdown as a renderer sees it: every token of a document, nested ones included."""

from __future__ import annotations

import pytest


def markdown_tokens(text: str) -> list:
    """CommonMark with GitHub's tables and strikethrough, flattened (inline children after their parent)."""
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough")

    def walk(tokens):
        for t in tokens:
            yield t
            yield from walk(t.children or [])

    return list(walk(md.parse(text)))

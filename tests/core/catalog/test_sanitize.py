"""Seller HTML is cut down to a safe subset before buyers see it."""

from __future__ import annotations

import pytest

from shequ.core.catalog.sanitize import clean_description


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("<p>好<script>alert(1)</script>看</p>", "<p>好看</p>"),
        ("<style>p{}</style><p>x</p>", "<p>x</p>"),
        ('<p onclick="steal()" onmouseover="x">hi</p>', "<p>hi</p>"),
        (
            '<img src="/media/ab/c.png" alt="图" onerror="x()">',
            '<img src="/media/ab/c.png" alt="图">',
        ),
        ('<img src="javascript:alert(1)">', "<img>"),
        (
            '<a href="javascript:alert(1)">x</a>',
            '<a rel="nofollow noopener">x</a>',
        ),
        (
            '<a href="https://example.com" target="_blank">店</a>',
            '<a href="https://example.com" rel="nofollow noopener">店</a>',
        ),
        ("<h1>大</h1><h3>小</h3>", "大<h3>小</h3>"),
        ("<iframe src='https://x'></iframe><p>ok</p>", "<p>ok</p>"),
        (
            "<ul><li><strong>a</strong></li><li><em>b</em></li></ul><br><blockquote>q</blockquote>",
            "<ul><li><strong>a</strong></li><li><em>b</em></li></ul><br><blockquote>q</blockquote>",
        ),
        ("<!-- note --><p>x</p>", "<p>x</p>"),
        ("", ""),
    ],
)
def test_clean_description(raw, clean):
    assert clean_description(raw) == clean

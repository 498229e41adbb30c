"""The one way outside text (feeds, pages, servers, files, typed input) reaches the screen.

A title or an error message can carry terminal escapes, C1 and bidi controls, or text that
Textual would read as markup (`[/]` raises, `[@click=...]` runs an action). clean() removes
the controls and masks passwords in URLs (an untitled feed is named by its URL); outside()
wraps the rest in a Content, which is shown as it is and never parsed. Widgets get outside
text only from these two; toasts go through NewsroomApp.toast().
"""

from __future__ import annotations

import re

from textual.content import Content

from reader.core.safety import display_url, sanitize_for_terminal

LINE_LIMIT = 1000  # a single line longer than any screen is cut here, before it costs anything
# A scheme starts a URL only where no scheme character comes before it: without the lookbehind a
# long run of letters is tried from every position, quadratic time.
_URL = re.compile(r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"'()\[\]]+")


def clean(text: str | None, *, line: bool = True) -> str:
    """``text`` without terminal controls or passwords; with ``line``, one line (newlines and
    tabs become spaces) of at most LINE_LIMIT characters."""
    if not text:
        return ""
    if line and len(text) > LINE_LIMIT:
        text = text[: LINE_LIMIT - 1] + "…"
    text = sanitize_for_terminal(text)
    if "@" in text:
        text = _URL.sub(lambda url: display_url(url[0]), text)
    return text.replace("\n", " ").replace("\t", " ") if line else text


def outside(text: str | None, style: str = "", *, line: bool = True) -> Content:
    """``text`` as Content for a widget: clean, in ``style``, never read as markup."""
    return Content.styled(clean(text, line=line), style)

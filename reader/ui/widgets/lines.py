"""What the line-drawn widgets (article list, reading pane, diff view) share."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.theme import Theme
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def set_height(view: ScrollView, lines: int) -> None:
    """Set how many lines ``view`` scrolls over without laying the whole screen out again.

    Assigning ``virtual_size`` asks for a layout of every widget (about 20 ms here), which is
    only needed when a scroll bar appears or goes; the views that call this always show theirs
    (``overflow-y: scroll`` in app.tcss), so only the bar's thumb changes.
    """
    region = view.scrollable_content_region
    view.set_reactive(ScrollView.virtual_size, Size(region.width, lines))
    bar = view.vertical_scrollbar
    bar.window_virtual_size = lines
    bar.window_size = region.height
    view.scroll_to(y=min(view.scroll_y, view.max_scroll_y), animate=False, immediate=True)
    view.refresh()


def look(widget: Widget) -> tuple[Style, ...]:
    """The styles a widget draws its lines with. Textual restyles a widget on every focus
    change; drawn lines need drawing again only when this changed (a new theme)."""
    names = sorted(widget.COMPONENT_CLASSES)
    return (widget.rich_style, *(widget.get_component_rich_style(name) for name in names))


def by_class(widget: Widget, drawn_with: tuple[Style, ...]) -> dict[str, Style]:
    """The component class styles of a look(), by class name."""
    return dict(zip(sorted(widget.COMPONENT_CLASSES), drawn_with[1:], strict=True))


def draw(
    renderable: RenderableType, width: int, base: Style, theme: Theme | None = None
) -> Iterator[Strip]:
    """``renderable``'s lines at ``width``, one at a time, so a long story can be drawn in a
    worker thread and stopped halfway. The console is this drawing's own: the app's is not
    thread-safe, and ``theme`` applies here only. Lines carry no terminal hyperlinks (a link
    opens only through the policy) and are padded to ``width``."""
    console = Console(
        file=io.StringIO(),
        width=width,
        theme=theme,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        safe_box=False,
        emoji=False,
        markup=False,
        highlight=False,
        soft_wrap=False,
    )
    options = console.options.update(width=width, highlight=False, markup=False)
    segments = Segment.apply_style(console.render(renderable, options), base)
    for line in Segment.split_and_crop_lines(segments, width, pad=True, style=base):
        yield Strip(_inert(line), width)


def _inert(line: list[Segment]) -> list[Segment]:
    return [
        Segment(part.text, part.style.update_link(None)) if part.style and part.style.link else part
        for part in line
    ]

"""What the line-drawn widgets (article list, reading pane) share."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
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

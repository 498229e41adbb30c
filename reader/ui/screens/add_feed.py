"""The add-feed dialog: type a feed's or a site's address; a mistake is shown in the dialog,
which stays open to fix it, and a site announcing several feeds lets you choose which.

The looking and the subscribing run in thread workers through the newsroom; the dialog closes
with what was subscribed to, for the app to announce and show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.ui.bindings import INPUT_DIALOG, bindings
from reader.ui.outside import outside

if TYPE_CHECKING:
    from reader.core.subscribe import Added, FeedLink
    from reader.ui.app import NewsroomApp


HINT = Content("enter to confirm · escape to cancel")
CHOOSE = Content("choose a feed: arrows, then enter · escape cancels")


@dataclass
class FeedsFound(Message):
    links: list[FeedLink]


@dataclass
class AddFailed(Message):
    error: str


@dataclass
class FeedAdded(Message):
    added: Added


class AddFeedDialog(ModalScreen["Added | None"]):
    """Dismissed with the subscription made, or None when cancelled."""

    BINDINGS = bindings(INPUT_DIALOG)

    def __init__(self) -> None:
        super().__init__()
        self.links: list[FeedLink] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content("Subscribe to a feed or a site"), classes="dialog-title")
            yield Input(placeholder="https://…", id="dialog-input")
            yield Label(Content(""), id="add-error", classes="dialog-error")
            yield OptionList(id="add-choices")
            yield Label(
                Content("enter to confirm · escape to cancel"), id="add-hint", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#add-error").display = False
        self.query_one("#add-choices").display = False

    @property
    def newsroom_app(self) -> NewsroomApp:
        return cast("NewsroomApp", self.app)

    def _say(self, text: str, error: bool = False) -> None:
        label = self.query_one("#add-error", Label)
        label.update(outside(text))
        label.set_class(error, "-error")
        label.display = bool(text)

    # -- looking ----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        url = event.value.strip()
        if not url:
            self._say("Type the address of a feed or of a site", error=True)
            return
        self._show_choices([])
        self._say(f"Looking for feeds at {url}…")
        self.look(url)

    @work(thread=True, exclusive=True, group="add", exit_on_error=False, name="Looking for feeds")
    def look(self, url: str) -> None:
        from reader.core.subscribe import SubscribeError  # the feed parsers come with it

        try:
            links = self.newsroom_app.newsroom.feed_candidates(url)
        except (SubscribeError, ValueError) as exc:  # ValueError: a URL that will not be fetched
            self.post_message(AddFailed(str(exc)))
            return
        self.post_message(FeedsFound(links))

    def on_feeds_found(self, message: FeedsFound) -> None:
        if len(message.links) == 1:
            self._subscribe(message.links[0])
            return
        self._say("")
        self._show_choices(message.links)

    def _show_choices(self, links: list[FeedLink]) -> None:
        self.links = links
        choices = self.query_one("#add-choices", OptionList)
        choices.set_options(
            Option(
                Content.assemble(
                    outside(link.title or "(untitled feed)", "bold"),
                    "  ",
                    outside(link.url, "$text-muted"),
                ),
                id=str(index),
            )
            for index, link in enumerate(links)
        )
        choices.display = bool(links)
        self.query_one("#add-hint", Label).update(CHOOSE if links else HINT)
        if links:
            choices.highlighted = 0
            choices.focus()

    @on(OptionList.OptionSelected, "#add-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._subscribe(self.links[int(event.option.id or 0)])

    # -- subscribing ------------------------------------------------------------------------

    def _subscribe(self, link: FeedLink) -> None:
        self._say(f"Subscribing to {link.title or link.url}…")
        self.subscribe(link.url)

    @work(thread=True, exclusive=True, group="add", exit_on_error=False, name="Adding the feed")
    def subscribe(self, url: str) -> None:
        from reader.core.subscribe import SubscribeError

        if get_current_worker().is_cancelled:  # the dialog was closed meanwhile
            return
        try:
            added = self.newsroom_app.newsroom.add_feed(url)
        except (SubscribeError, ValueError) as exc:
            self.post_message(AddFailed(str(exc)))
            return
        self.post_message(FeedAdded(added))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_add_failed(self, message: AddFailed) -> None:
        self._say(message.error, error=True)
        self.query_one("#dialog-input", Input).focus()

    def on_feed_added(self, message: FeedAdded) -> None:
        self.dismiss(message.added)

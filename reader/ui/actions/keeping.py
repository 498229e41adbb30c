"""What the keys do with a story beyond reading it: list and open its links (`l`), save it as
Markdown (`S`), copy its address (`y`).

They act on the highlighted story, as `o` does. Its text is the one the reading pane shows when
the story is open there, else its full text as opening it would bring (read in a worker).
"""

from __future__ import annotations

from textual import work

from reader.core.fulltext import FullText
from reader.core.links import Link, number_links
from reader.core.models import Article
from reader.core.safety import is_safe_url, without_credentials
from reader.core.saved import document, save, save_folder
from reader.ui.actions.stories import Stories
from reader.ui.messages import LinksLoaded
from reader.ui.screens.links import LinksScreen

CLIPBOARD_OFF = "Copying is off: set clipboard = true under [tui] in config.toml (uses OSC 52)"


class Keeping(Stories):
    def _chosen(self) -> tuple[Article, FullText | None] | None:
        """The highlighted story, with the text the reading pane shows of it, if it does."""
        article = self.articles.current
        if article is None:
            self.toast("No story selected", timeout=3)
            return None
        shown = self.reader.article
        if shown is not None and shown.id == article.id:
            return article, self.reader.texts.get(self.reader.source)
        return article, None

    def _text(self, article: Article, shown: FullText | None) -> FullText:
        """(In a worker.) The text shown, else the story's full text."""
        return shown if shown is not None else self.newsroom.full_text(article)

    def action_links(self) -> None:
        if (chosen := self._chosen()) is not None:
            self.load_links(*chosen)

    @work(thread=True, exclusive=True, group="links", exit_on_error=False, name="Listing links")
    def load_links(self, article: Article, shown: FullText | None) -> None:
        links = number_links(self._text(article, shown).markdown, article.url).links
        self.post_message(LinksLoaded(article, links))

    def on_links_loaded(self, message: LinksLoaded) -> None:
        if not message.links:
            self.toast("This story has no links", timeout=3)
            return
        title = message.article.title

        def open_link(link: Link | None) -> None:
            if link is not None:
                self.launch_browser(without_credentials(link.url), title)

        self.push_screen(LinksScreen(title, message.links), open_link)

    def action_save_story(self) -> None:
        if (chosen := self._chosen()) is not None:
            self.save_story(*chosen)

    @work(thread=True, group="save", exit_on_error=False, name="Saving the story")
    def save_story(self, article: Article, shown: FullText | None) -> None:
        text = document(article, self._text(article, shown))
        try:
            path = save(save_folder(self.config), article, text)
        except OSError as exc:
            self.toast(f"Cannot save the story: {exc.strerror or exc}", severity="error")
            return
        self.toast(f"Saved to {path}", timeout=5)

    def action_copy_url(self) -> None:
        if not self.config.tui.clipboard:
            self.toast(CLIPBOARD_OFF, severity="warning", timeout=6)
            return
        article = self.articles.current
        if article is None or not article.url or not is_safe_url(article.url):
            self.toast("This story has no web address to copy", severity="warning")
            return
        url = without_credentials(article.url)
        self.copy_to_clipboard(url)
        self.toast(f"Copied {url}", timeout=3)

"""What the keys do to the highlighted story: open it (its full text follows), mark it read or
starred, open it in the browser, show what changed. The open story follows its changes: a new
version replaces the one shown, with a note; a story opened again after it changed says so too."""

from __future__ import annotations

import webbrowser

from textual import on, work
from textual.worker import get_current_worker

from reader.core.changes import default_pair
from reader.core.models import Article
from reader.core.safety import is_safe_url, without_credentials
from reader.ui.actions.base import Base
from reader.ui.launch import LaunchError, command_for, launch
from reader.ui.messages import (
    ArticleChanged,
    ArticlesLoaded,
    ChangedSinceRead,
    FullTextLoaded,
    VersionsLoaded,
)
from reader.ui.screens.diff import DiffScreen
from reader.ui.widgets.article_list import ArticleList


class Stories(Base):
    @on(ArticleList.Selected)
    def _article_clicked(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article)

    def open_article(self, article: Article) -> None:
        shown = self.reader.article
        if shown is None or shown.id != article.id:
            self.reader.show(article)
            self.load_full_text(article)
        elif article.changed_at != shown.changed_at:
            self.show_changed(article)
        # else the story already open keeps its text and place
        self.reading = True
        self.fit_layout(self.size.width)
        if not article.read:
            self.mark(article, read=True)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False, name="Opening the story")
    def load_full_text(self, article: Article) -> None:
        """Fetch and extract the page (or read the cache); moving on cancels the wait."""
        if get_current_worker().is_cancelled:
            return
        if article.read and article.updated:
            read = self.store.read_version(article.id)
            if read is not None and read < article.versions:
                self.post_message(ChangedSinceRead(article.id))
        full = self.newsroom.full_text(article)
        if not get_current_worker().is_cancelled:
            self.post_message(FullTextLoaded(full))

    def show_changed(self, article: Article) -> None:
        """The open story has a new version: show it, saying it changed."""
        self.reader.show(article, changed=True)
        self.load_full_text(article)

    @on(ArticlesLoaded)
    def _follow_open_story(self, message: ArticlesLoaded) -> None:
        """A list read again after a refresh or a watch pass brings the open story's changes."""
        shown = self.reader.article
        if shown is None:
            return
        latest = next((a for a in message.rows if a.id == shown.id), None)
        # changed_at moves with a recorded change only, not with a new baseline
        if latest is not None and latest.changed_at != shown.changed_at:
            self.show_changed(latest)

    def on_changed_since_read(self, message: ChangedSinceRead) -> None:
        self.reader.changed_since_read(message.article_id)

    def on_full_text_loaded(self, message: FullTextLoaded) -> None:
        self.reader.show_full(message.full)

    def action_toggle_text(self) -> None:
        if not self.reader.toggle():
            self.toast("Only the feed's text is available for this story", timeout=3)

    # -- reading state ----------------------------------------------------------------------

    @work(thread=True, group="marks", exit_on_error=False, name="Marking the story")
    def mark(self, article: Article, read: bool | None = None, starred: bool | None = None) -> None:
        self.store.mark(article.id, read=read, starred=starred)
        updated = self.store.article(article.id)
        if updated is not None:
            self.post_message(ArticleChanged(updated, article))

    def on_article_changed(self, message: ArticleChanged) -> None:
        article, before = message.article, message.before
        self.articles.update_article(article)
        if article.read != before.read:
            self.feeds.count_unread(article.feed_id, -1 if article.read else 1)

    def action_star(self) -> None:
        if (article := self.articles.current) is not None:
            self.mark(article, starred=not article.starred)
            self._say_marked("Unstarred" if article.starred else "Starred")

    def action_toggle_read(self) -> None:
        if (article := self.articles.current) is not None:
            self.mark(article, read=not article.read)
            self._say_marked("Marked unread" if article.read else "Marked read")

    def _say_marked(self, done: str) -> None:
        """The story list shows a mark as it changes; while the story fills the screen (a
        narrow terminal) and the list is hidden, a toast says it instead."""
        if self.screen.has_class("-reading"):
            self.toast(done, timeout=2)

    # -- the story elsewhere ----------------------------------------------------------------

    def action_open_browser(self) -> None:
        article = self.articles.current
        if article is None or not article.url or not is_safe_url(article.url):
            self.toast(
                "This story has no web address that can be opened safely", severity="warning"
            )
            return
        # Links stored before logins were kept out of them may still carry one.
        self.launch_browser(without_credentials(article.url), article.title)

    @work(thread=True, group="browser", exit_on_error=False, name="Opening the browser")
    def launch_browser(self, url: str, title: str) -> None:
        if self.config.tui.browser:
            try:
                launch(command_for(self.config.tui.browser, url, title))
            except LaunchError as exc:
                self.toast(str(exc), severity="error")
                return
        elif not webbrowser.open(url):
            self.toast(
                "No web browser found: set the command to run as [tui] browser in"
                f" {self.config.config_path}",
                severity="warning",
                timeout=8,
            )
            return
        self.toast(f"Opened {url}", timeout=3)

    def action_diff(self) -> None:
        if (article := self.articles.current) is not None:
            self.load_versions(article)

    @work(
        thread=True,
        exclusive=True,
        group="versions",
        exit_on_error=False,
        name="Reading the story's versions",
    )
    def load_versions(self, article: Article) -> None:
        versions = self.store.versions(article.id)
        self.post_message(VersionsLoaded(article, versions, self.store.read_version(article.id)))

    def on_versions_loaded(self, message: VersionsLoaded) -> None:
        versions = message.versions
        base, target = default_pair(versions, read=message.read_version) if versions else (0, 0)
        if base == target:
            self.toast("No change recorded for this story", timeout=3)
            return
        self.push_screen(DiffScreen(message.article.title, message.versions, message.read_version))

"""A story as a Markdown document (`S` in the TUI, `newsroom show --markdown`), and saving it.

The document has the title, byline, date and address, the text with its links numbered, and the
link and file lists. Saved files go into one folder (`[tui] save_dir`, else `saved/` beside
config.toml) under a name made only of the title's letters and digits and the story's id, so
no title can point outside the folder, and an existing file is never replaced.
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

from reader.config import Config
from reader.core.fulltext import FullText
from reader.core.links import escape, story_markdown
from reader.core.models import Article
from reader.core.safety import display_url, sanitize_for_terminal

SLUG_LIMIT = 60  # characters of the title in a file name
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def document(article: Article, full: FullText) -> str:
    """The story as Markdown, fit to print on a terminal or keep in a file."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(article.published))
    byline = " · ".join(p for p in (article.author, display_url(article.feed_title), when) if p)
    head = [f"# {escape(' '.join(article.title.split()) or '(untitled)')}", "", escape(byline)]
    if article.url:
        head += ["", f"<{display_url(article.url)}>"]
    body = story_markdown(full.markdown, article.url, article.enclosures)
    return sanitize_for_terminal("\n".join(head) + ("\n\n" + body if body else "") + "\n")


def save_folder(config: Config) -> Path:
    """Where `S` saves stories: `[tui] save_dir`, else the `saved` folder beside config.toml."""
    if config.tui.save_dir:
        return Path(config.tui.save_dir).expanduser()
    return config.config_path.parent / "saved"


def slug(title: str) -> str:
    """The title in lower-case ASCII letters and digits joined by hyphens ("story" if none)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")
    return words[:SLUG_LIMIT].rstrip("-") or "story"


def save(folder: Path, article: Article, text: str) -> Path:
    """Write ``text`` to a new file in ``folder`` named after the story; a name already taken
    gets a number (-2, -3, ...) rather than being replaced. Returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{slug(article.title)}-{article.id}"
    for attempt in range(1, 1000):
        path = folder / (f"{stem}.md" if attempt == 1 else f"{stem}-{attempt}.md")
        try:
            with path.open("x", encoding="utf-8") as out:  # never follows or replaces a file
                out.write(text)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{folder / stem}.md: a thousand copies are there already")

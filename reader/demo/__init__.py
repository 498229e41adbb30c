"""The embedded demo newsroom: a local HTTP server with fictional stories that change over time.

Four desks publish in four feed formats (RSS 2.0, Atom 1.0, JSON Feed 1.1, RSS 2.0). Each story has
a news page wrapped in the usual boilerplate. Within the first five minutes after start, scripted
revisions land: paragraphs added, a headline rewritten, a correction, a word-level edit, a story
withdrawn; one page carries a relative "Updated N minutes ago" line that changes every minute
without being news. Everything is served with ETags and Last-Modified, and answers 304s.

- stories.py: the desks and stories, with their scripted revisions
- timeline.py: DemoNewsroom, the clock that says what each story looks like now
- pages.py: the feeds, pages and OPML as documents
- server.py: DemoServer, serving them on 127.0.0.1 (and `newsroom demo --serve`)
"""

from reader.demo.server import DemoServer, Resource, resolve, serve
from reader.demo.stories import DESKS, SITE, STORIES, Desk, Revision, Story
from reader.demo.timeline import DemoNewsroom, StoryState

__all__ = [
    "DESKS",
    "SITE",
    "STORIES",
    "DemoNewsroom",
    "DemoServer",
    "Desk",
    "Resource",
    "Revision",
    "Story",
    "StoryState",
    "resolve",
    "serve",
]

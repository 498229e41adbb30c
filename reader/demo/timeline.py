"""The demo newsroom's clock: what each story looks like at a given moment after it opens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from reader.demo.stories import STORIES, Story


@dataclass(frozen=True)
class StoryState:
    """What a story looks like at one moment."""

    story: Story
    title: str
    paragraphs: tuple[str, ...]
    changed_at: float  # seconds after the newsroom opened; 0 for the original


class DemoNewsroom:
    """The stories and the newsroom's clock (which tests may move forward with advance())."""

    def __init__(self, start: float | None = None, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.start = clock() if start is None else start
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._clock() + self._offset

    def elapsed(self) -> float:
        return self.now() - self.start

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    @staticmethod
    def timeline() -> list[tuple[float, str, str]]:
        """Every scripted change: (seconds after start, story slug, what happens)."""
        events = [(r.at, s.slug, r.note) for s in STORIES for r in s.revisions]
        events += [(s.removed_at, s.slug, "withdrawn") for s in STORIES if s.removed_at]
        return sorted(events)

    def state(self, story: Story, elapsed: float) -> StoryState | None:
        """The story as published at ``elapsed``; None once it has been withdrawn."""
        if story.removed_at is not None and elapsed >= story.removed_at:
            return None
        title, paragraphs, changed = story.title, list(story.paragraphs), 0.0
        for revision in story.revisions:
            if revision.at > elapsed:
                break
            title = revision.title or title
            for old, new in revision.replace:
                paragraphs = [p.replace(old, new) for p in paragraphs]
            paragraphs = [p for p in paragraphs if p not in revision.remove]
            paragraphs.extend(revision.add)
            changed = revision.at
        return StoryState(story, title, tuple(paragraphs), changed)

    def stories(self, desk: str | None = None) -> list[StoryState]:
        elapsed = self.elapsed()
        states = (self.state(s, elapsed) for s in STORIES if desk in (None, s.desk))
        return sorted((s for s in states if s), key=lambda s: s.story.hours_ago)

    def published(self, story: Story) -> float:
        return self.start - story.hours_ago * 3600

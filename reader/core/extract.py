"""Full article text with trafilatura, in a separate process that can be killed.

A news page can be pathological (megabytes of nested markup, a table with a million columns):
extraction runs in a worker process with a deadline and an address-space limit. A page that
exceeds them costs that process, not the app: the pool is rebuilt and the caller gets a reason.
Options are fixed (``deduplicate=False``: with it, extracting the same HTML twice can differ), and
the trafilatura version is recorded with every result.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import resource
import signal
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import resource_tracker
from typing import Any
from urllib.parse import urljoin, urlsplit

from reader.config import ExtractConfig
from reader.core.children import follow_parent
from reader.core.text import is_promo

DEADLINE = ExtractConfig().timeout
MEMORY_MIB = ExtractConfig().memory_mib


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a page holds: Markdown for reading, plain paragraphs for comparing and searching."""

    markdown: str
    text: str
    title: str | None
    author: str | None
    canonical_url: str | None
    extractor: str


class ExtractionError(Exception):
    """The page could not be turned into text; str() is a short reason for people."""


def _without_title(markdown: str, title: str | None) -> str:
    """The reading pane shows the title in its header: drop a leading heading that repeats it."""
    first, _, rest = markdown.partition("\n")
    if title and first.lstrip("# ").strip() == title.strip() and first.startswith("#"):
        return rest.lstrip("\n")
    return markdown


def extract_page(html: bytes, url: str) -> Extraction:
    """Extract in this process (the worker side; call Extractor.extract from elsewhere).

    One pass with fixed options: trafilatura reads the page once, keeping links and emphasis,
    and both outputs are written from that one tree: Markdown for reading, and plain paragraphs
    (links and emphasis unwrapped) for comparing and searching. Promo paragraphs ("READ MORE:
    ...", link-only lines) are dropped from the tree first, so neither output has them. The
    extractor name says so: versions stored by an older extraction get a silent new baseline.
    """
    import trafilatura
    from lxml import etree
    from trafilatura.settings import Document
    from trafilatura.utils import load_html
    from trafilatura.xml import xmltotxt

    tree = load_html(html)
    if tree is None:
        raise ExtractionError("the page is not HTML")
    found = _metadata(tree, url)  # before extraction, which prunes the tree
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        include_links=True,
        include_formatting=True,
        output_format="markdown",
    )
    if not isinstance(document, Document) or document.body is None:
        raise ExtractionError("no article text found on the page")
    _drop_promos(document.body, url)
    markdown = xmltotxt(document.body, True)  # works on a copy of the tree
    etree.strip_tags(document.body, "ref", "hi")
    text = xmltotxt(document.body, False)
    if not text.strip():
        raise ExtractionError("no article text found on the page")
    title = found.title or None
    return Extraction(
        markdown=_without_title((markdown or text).strip(), title),
        text=_tidy(text),
        title=title,
        author=found.author or None,
        canonical_url=found.url or None,
        extractor=f"trafilatura {trafilatura.__version__} (one pass, promos dropped)",
    )


def _metadata(tree: Any, url: str) -> Any:
    """The title, author and canonical URL, read as trafilatura reads them, and nothing else.

    trafilatura's full metadata pass also dates the page (htmldate), names the site, lists
    categories, tags and licence, and looks for an author in the page's text when its metadata
    names none: that costs as much as extracting the text again, and none of it is compared or
    shown (the feed gives the date; a byline guessed from the text is unsure), so the author
    comes from the page's meta tags and JSON-LD only.
    """
    from trafilatura import metadata

    found = metadata.examine_meta(tree)
    if found.author and " " not in found.author:  # a user name, as trafilatura judges it
        found.author = None
    with contextlib.suppress(Exception):  # trafilatura guards its JSON-LD reader the same way
        found = metadata.extract_meta_json(tree, found)
    found.title = found.title or metadata.extract_title(tree)
    found.url = found.url or metadata.extract_url(tree, url)
    found.clean_and_trim()
    return found


_FILES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".mp3", ".mp4")


def _promo_target(target: str, page: str) -> bool:
    """A link to another page of the same site: where promos point (not a file, not the page)."""
    there, here = urlsplit(target), urlsplit(page)
    return (
        (there.hostname or "").removeprefix("www.") == (here.hostname or "").removeprefix("www.")
        and there.path.rstrip("/") != here.path.rstrip("/")
        and not there.path.lower().endswith(_FILES)
    )


def _drop_promos(body: Any, url: str) -> None:
    """Remove the paragraphs and headings of trafilatura's tree that promote something else.

    Only links to other pages of the same site count as promo links: a link-only line pointing
    elsewhere (a petition, a sign-up form, a source, a picture) is part of the story.
    """
    for element in list(body.iter("p", "head")):
        links = "".join(
            text
            for ref in element.iter("ref")
            if _promo_target(urljoin(url, ref.get("target") or ""), url)
            for text in ref.itertext()
        )
        parent = element.getparent()
        if parent is not None and is_promo("".join(element.itertext()), links):
            if element.tail and element.tail.strip():  # text after it belongs to the parent
                previous = element.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + element.tail
                else:
                    parent.text = (parent.text or "") + element.tail
            parent.remove(element)


def _tidy(text: str) -> str:
    """One paragraph per line of trafilatura's text, separated by blank lines."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _start_worker(mib: int, parent: int) -> None:
    """Limit the worker's memory, and end it when its parent is gone (a pool worker holds both
    ends of its task pipe, so it would not notice by itself). Ctrl-C in a terminal reaches the
    whole process group: the newsroom that started the worker decides what it means, so the
    worker ignores it rather than print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit = mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    follow_parent(parent)


def _run(html: bytes, url: str) -> Extraction | str:
    """Worker entry point: an Extraction, or the reason there is none (never raises)."""
    try:
        return extract_page(html, url)
    except ExtractionError as exc:
        return str(exc)
    except MemoryError:
        return f"the page needs more than {MEMORY_MIB} MiB to extract"
    except RecursionError:
        return "the page is nested too deeply"
    except Exception as exc:  # a parser bug on one page must not break the pool
        return f"extraction failed ({type(exc).__name__})"


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server process that has imported trafilatura once: a second
    worker starts in milliseconds instead of importing it again (a second of CPU). Not plain
    fork: the parent may be a threaded TUI, where fork is unsafe."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["trafilatura", "reader.core.extract"])
    return context


class _Slot:
    """One worker process of the pool, with its own executor: a kill ends only this one."""

    def __init__(self, memory_mib: int) -> None:
        self.memory_mib = memory_mib
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None

    def run(self, html: bytes, url: str, deadline: float) -> Extraction | str:
        if self.pool is None:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(self.memory_mib, os.getpid()),
            )
        future = self.pool.submit(_run, html, url)
        try:
            return future.result(timeout=deadline)
        except concurrent.futures.TimeoutError:
            self.kill()
            return f"extraction took longer than {deadline:g} s"
        except BrokenProcessPool:
            self.kill()
            return "the extraction process died on this page"

    def kill(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class Extractor:
    """Up to ``workers`` extraction processes, each started when first needed and rebuilt
    whenever a page takes it down.

    A caller takes the first idle worker, so one page at a time (opening a story) keeps a single
    process alive; a watch pass extracting many pages at once uses them all, one per core.
    """

    def __init__(
        self, deadline: float = DEADLINE, memory_mib: int = MEMORY_MIB, workers: int = 1
    ) -> None:
        self.deadline = deadline
        self._slots = [_Slot(memory_mib) for _ in range(max(1, workers))]
        self._idle = list(self._slots)
        self._changed = threading.Condition()
        # Start multiprocessing's resource tracker now, while stderr is still the real one: a
        # full-screen UI replaces sys.stderr, and the tracker cannot be launched after that.
        resource_tracker.ensure_running()

    def extract(self, html: bytes, url: str) -> Extraction:
        """Extract ``html`` within the deadline and memory limit, or raise ExtractionError."""
        with self._changed:
            self._changed.wait_for(lambda: bool(self._idle))
            # The lowest idle slot: the second process starts only when two pages overlap.
            slot = min(self._idle, key=self._slots.index)
            self._idle.remove(slot)
        try:
            result = slot.run(html, url, self.deadline)
        finally:
            with self._changed:
                self._idle.append(slot)
                self._changed.notify()
        if isinstance(result, str):
            raise ExtractionError(result)
        return result

    def close(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: len(self._idle) == len(self._slots))
            for slot in self._slots:
                slot.close()

"""Full article text with trafilatura, in a separate process that can be killed.

A news page can be pathological (megabytes of nested markup, a table with a million columns):
extraction runs in a worker process with a deadline and an address-space limit. A page that
exceeds them costs that process, not the app: the pool is rebuilt and the caller gets a reason.
Options are fixed (``deduplicate=False``: with it, extracting the same HTML twice can differ), and
the trafilatura version is recorded with every result.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import resource
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import resource_tracker
from typing import Any

from reader.config import ExtractConfig
from reader.core.children import follow_parent

DEADLINE = ExtractConfig().timeout
MEMORY_MIB = ExtractConfig().memory_mib


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a page holds: Markdown for reading, plain paragraphs for comparing and searching."""

    markdown: str
    text: str
    title: str | None
    author: str | None
    date: str | None
    sitename: str | None
    image: str | None
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


def _front_matter(output: str) -> tuple[dict[str, str], str]:
    """Split trafilatura's "---" metadata header from the text that follows it."""
    if not output.startswith("---\n") or "\n---\n" not in output:
        return {}, output
    header, body = output[4:].split("\n---\n", 1)
    fields = {}
    for line in header.splitlines():
        key, _, value = line.partition(": ")
        fields[key.strip()] = value.strip().strip('"')
    return fields, body


def extract_page(html: bytes, url: str) -> Extraction:
    """Extract in this process (the worker side; call Extractor.extract from elsewhere).

    Two passes over the same page with the same fixed options: plain text (trafilatura's best
    output for comparing and searching, measured in bench/extraction.py) with the metadata, and
    Markdown with links for reading.
    """
    import trafilatura

    options: dict[str, Any] = {
        "include_comments": False,
        "include_tables": True,
        "deduplicate": False,
    }
    plain = trafilatura.extract(html, url=url, with_metadata=True, **options)
    meta, text = _front_matter(plain or "")
    if not text.strip():
        raise ExtractionError("no article text found on the page")
    markdown = trafilatura.extract(
        html, url=url, output_format="markdown", include_links=True, **options
    )
    title = meta.get("title") or None
    return Extraction(
        markdown=_without_title((markdown or text).strip(), title),
        text=_tidy(text),
        title=title,
        author=meta.get("author") or None,
        date=meta.get("date") or None,
        sitename=meta.get("sitename") or None,
        image=meta.get("image") or None,
        canonical_url=meta.get("url") or None,
        extractor=f"trafilatura {trafilatura.__version__}",
    )


def _tidy(text: str) -> str:
    """One paragraph per line of trafilatura's text, separated by blank lines."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _start_worker(mib: int, parent: int) -> None:
    """Limit the worker's memory, and end it when its parent is gone (a pool worker holds both
    ends of its task pipe, so it would not notice by itself)."""
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


class Extractor:
    """A one-process pool for extraction, rebuilt whenever a page takes its worker down."""

    def __init__(self, deadline: float = DEADLINE, memory_mib: int = MEMORY_MIB) -> None:
        self.deadline = deadline
        self.memory_mib = memory_mib
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # Start multiprocessing's resource tracker now, while stderr is still the real one: a
        # full-screen UI replaces sys.stderr, and the tracker cannot be launched after that.
        resource_tracker.ensure_running()

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # spawn: the parent may be a threaded TUI, where fork is unsafe.
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.memory_mib, os.getpid()),
            )
        return self._pool

    def extract(self, html: bytes, url: str) -> Extraction:
        """Extract ``html`` within the deadline and memory limit, or raise ExtractionError."""
        with self._lock:  # one page at a time: the pool has one worker, and a kill hits all
            future = self._executor().submit(_run, html, url)
            try:
                result = future.result(timeout=self.deadline)
            except concurrent.futures.TimeoutError:
                self._kill()
                raise ExtractionError(f"extraction took longer than {self.deadline:g} s") from None
            except BrokenProcessPool:
                self._kill()
                raise ExtractionError("the extraction process died on this page") from None
        if isinstance(result, str):
            raise ExtractionError(result)
        return result

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

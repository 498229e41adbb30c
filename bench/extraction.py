"""Extraction quality: our pipeline against plain trafilatura.extract on real pages.

Uses ../shared/corpus/extraction/trafilatura-eval (990 pages with snippets that must and must
not appear) and scores both the way that corpus is meant to be scored: each "with" snippet found
is a true positive (else a false negative), each "without" snippet found is a false positive.
Usage: python bench/extraction.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.extract import ExtractionError, extract_page  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "extraction" / "trafilatura-eval"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def ours(html: bytes, url: str) -> str:
    try:
        return extract_page(html, url).text
    except ExtractionError:
        return ""


def score(run: Callable[[bytes, str], str], cases: list[tuple[str, bytes, dict]]) -> dict:
    tp = fn = fp = tn = 0
    started = time.perf_counter()
    for url, html, expected in cases:
        text = normalise(run(html, url))
        for snippet in expected.get("with", []):
            if normalise(snippet) in text:
                tp += 1
            else:
                fn += 1
        for snippet in expected.get("without", []):
            if normalise(snippet) in text:
                fp += 1
            else:
                tn += 1
    seconds = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages/s": len(cases) / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"corpus not found: {CORPUS}")
    data = json.loads((CORPUS / "evaldata.json").read_text())
    cases = []
    for url, expected in data.items():
        path = CORPUS / "html" / (expected["file"] + ".gz")
        if not path.exists():
            path = CORPUS / "html" / expected["file"]
        if path.exists():
            raw = path.read_bytes()
            cases.append((url, gzip.decompress(raw) if path.suffix == ".gz" else raw, expected))
    if args.limit:
        cases = cases[: args.limit]
    print(f"{len(cases)} pages, trafilatura {trafilatura.__version__}")
    print(f"{'pipeline':<22}{'precision':>10}{'recall':>8}{'F1':>8}{'pages/s':>9}")
    for name, run in (("plain extract()", plain), ("newsroom", ours)):
        result = score(run, cases)
        print(
            f"{name:<22}{result['precision']:>10.3f}{result['recall']:>8.3f}"
            f"{result['f1']:>8.3f}{result['pages/s']:>9.1f}"
        )


if __name__ == "__main__":
    main()

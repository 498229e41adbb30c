"""The archive command: a story's stored pages (or every changed story's) as a WARC file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.errors import Failure, UsageError
from reader.config import Config
from reader.core.store import ArchivedVersion, Store


def cmd_archive(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.archive import write_warc

    if args.id is None and not args.updated:
        raise UsageError("give a story ID, or --updated for every changed story")
    if args.id is not None and args.updated:
        raise UsageError("give a story ID or --updated, not both")
    if args.id is not None:
        if store.article(args.id) is None:
            raise UsageError(f"no article with id {args.id}")
        ids = [args.id]
    else:
        ids = store.updated_ids()
    versions: list[ArchivedVersion] = []
    for article_id in ids:
        versions.extend(store.archived_versions(article_id))
    if args.id is not None and not versions:
        raise Failure(f"story {args.id} has no stored raw page (see [watch] keep_raw)")
    if args.warc == "-":
        write_warc(sys.stdout.buffer, versions, name="-", gzip=False)
        sys.stdout.buffer.flush()
    else:
        path = Path(args.warc)
        try:
            with path.open("wb") as out:
                write_warc(out, versions, name=path.name, gzip=path.suffix == ".gz")
        except OSError as exc:
            raise Failure(f"cannot write {path}: {exc.strerror or exc}") from None
    stories = len({v.article_id for v in versions})
    pages = f"{len(versions)} page version{'' if len(versions) == 1 else 's'}"
    print(f"{pages} of {stories} stor{'y' if stories == 1 else 'ies'} archived", file=sys.stderr)
    return 0

"""The ``listenalong`` command: thin argparse layer over :mod:`webapp.core`.

Every failure the user can fix prints one line, ``error: FILE:LINE: what and how``,
and exits 2; warnings go to stderr as ``warning: …``.
"""
from __future__ import annotations

import argparse
import sys
import time

from .core import OUTPUT_FORMATS, InputError, read_transcript, render, settings
from .core.atomic import write_text
from .core.reading import FORMAT_NAMES
from .core.timecode import MAX_SECONDS

EXIT_INPUT = 2


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < seconds <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"the duration must be a number of seconds above 0 "
                                         f"and at most {MAX_SECONDS:.0f}")
    return seconds


def warn(items) -> None:
    for item in items:
        print(f"warning: {item}", file=sys.stderr)


def cmd_convert(args) -> int:
    transcript = read_transcript(args.input, args.fmt_in, args.duration)
    warn(transcript.warnings)
    text = render(transcript, args.to)
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            write_text(args.output, text)
        except OSError as error:
            raise InputError(f"cannot write here ({error.strerror}); choose another -o path",
                             path=args.output) from None
    return 0


def _opened(args, follow_index: bool = False):
    """The library of ``--media`` (or the MEDIA_DIR setting) and its search index (of
    ``--database``, or the DATABASE_URL setting); with ``follow_index``, every write to the
    library keeps the index current."""
    from .core.opening import open_library

    config = settings.load({"MEDIA_DIR": args.media, "DATABASE_URL": getattr(args, "database", None)})
    return open_library(config, warn=_warn_one, follow=follow_index)


def _library(args, follow_index: bool = False):
    return _opened(args, follow_index).library


def _warn_one(message: str) -> None:
    warn([message])


def _align_added(library, slug: str, args, named: bool = False) -> None:
    """Word timings for an episode just added; a mismatch is a warning (it stays as added),
    ``named`` after the episode when there are several."""
    from .core.alignment.episode import AlignmentMismatch

    try:
        _align_one(library, slug, args)
    except AlignmentMismatch as error:
        warn([f"{slug + ': ' if named else ''}word timing: {error}; kept the estimated timing "
              f"(try again with 'listenalong align {slug}')"])


def cmd_add(args) -> int:
    library = _library(args, follow_index=True)
    episode, warnings = library.add(args.transcript, args.audio, args.title, args.slug,
                                    args.fmt_in, args.chapters, args.language,
                                    [tuple(other) for other in args.others or ()])
    warn(warnings)
    if args.align and episode.other_transcripts:
        warn([f"word timing is for the main transcript only: {episode.slug}'s "
              f"{', '.join(o['language'] for o in episode.other_transcripts)} transcripts keep "
              f"their own timing"])
    if args.align and episode.language and episode.language.split("-")[0] != "en":
        warn([f"word timing is English-only for now: {episode.slug} ({episode.language}) keeps "
              f"its transcript's timing"])
    elif args.align:
        from .core.alignment.episode import AlignmentMismatch

        try:
            _align_one(library, episode.slug, args)
        except AlignmentMismatch as error:
            library.remove(episode.slug)
            raise InputError(f"{error}; nothing was added (to keep the transcript's own "
                             f"timing, add it with --no-align)", path=args.transcript) from None
    print(_address(args, f"/episodes/{episode.slug}"))
    return 0


def _address(args, path: str) -> str:
    """Where ``path`` opens in a browser: under PUBLIC_URL when the site has one, else on
    the server 'listenalong run' starts here (its PORT)."""
    config = settings.load({"MEDIA_DIR": args.media})
    base = config["PUBLIC_URL"] or f"http://127.0.0.1:{config['PORT']}"
    return base.rstrip("/") + path


def _align_one(library, slug: str, args) -> None:
    """Align one episode with a progress bar; its summary (and report) on stderr."""
    from .core.alignment.episode import align_episode

    bar = _ProgressBar(sys.stderr, "parts of the audio heard")
    try:
        alignment = align_episode(library, slug, workers=args.workers, progress=bar)
    finally:
        bar.close()
    library.save_alignment(slug, alignment.words, alignment.cues)
    report = alignment.report
    print(f"{slug}: {report.summary()}", file=sys.stderr)
    if getattr(args, "report", False):
        for number, why in report.failed:
            print(f"  cue {number}: {why}", file=sys.stderr)


def cmd_align(args) -> int:
    """Word timings for one episode or all: the summary per episode; exit 2 when the
    audio of one does not match its transcript (that episode is left as it was)."""
    from .core.alignment.episode import AlignmentMismatch

    library = _library(args, follow_index=True)
    slugs = [e.slug for e in library.episodes()] if args.all else [args.slug]
    if not args.all and library.get(args.slug) is None:
        raise InputError(f"no episode called {args.slug!r}; 'listenalong list' shows them")
    failed = 0
    for slug in slugs:
        try:
            _align_one(library, slug, args)
        except AlignmentMismatch as error:
            print(f"error: {slug}: {error}", file=sys.stderr)
            failed += 1
    return EXIT_INPUT if failed else 0


def cmd_reindex(args) -> int:
    from .core.search import SearchUnavailable

    opened = _opened(args)
    library, index = opened.library, opened.index
    if not library.root.is_dir():
        raise InputError("no such library folder; check --media", path=str(library.root))
    bar = _ProgressBar(sys.stderr)
    began = time.monotonic()
    try:
        stats = index.rebuild(progress=bar)
    except SearchUnavailable as error:
        fix = "check the folder's permissions" if index.engine == "sqlite" else \
            "check the database"
        raise InputError(f"{error}; {fix}", path=str(library.root)) from None
    bar.close()
    for slug in stats["skipped"]:
        warn([f"{slug}: transcript unreadable, not indexed"])
    print(f"indexed {stats['episodes']} episodes, {stats['cues']} cues in "
          f"{time.monotonic() - began:.1f} s", file=sys.stderr)
    return 0


def _configured_url(args) -> str:
    """``--database``, else the DATABASE_URL setting ("" for none)."""
    return settings.load({"DATABASE_URL": getattr(args, "database", None)})["DATABASE_URL"]


def _database_url(args) -> str:
    """The PostgreSQL database of ``--database`` or the DATABASE_URL setting; an
    :class:`InputError` when there is none."""
    url = _configured_url(args)
    if not url:
        raise InputError("no database: set LISTENALONG_DATABASE_URL=postgresql://… (or pass "
                         "--database); without one the SQLite index needs no upgrade")
    return url


def cmd_db_upgrade(args) -> int:
    from .core.search import pg_store

    url = _database_url(args)
    before, now = pg_store.upgrade(url)
    if before == now:
        print(f"the database schema is up to date (version {now}) in {pg_store.shown(url)}")
    else:
        print(f"upgraded the database schema from version {before} to {now} in "
              f"{pg_store.shown(url)}")
    return 0


def cmd_db_import(args) -> int:
    """Move a library indexed in SQLite into PostgreSQL: the schema, then the catalogue
    and the index, read from the episode folders (the truth), compared with SQLite's."""
    from .core.search import SearchIndex, index_path, pg_store

    url = _database_url(args)
    opened = _opened(args)
    library, index = opened.library, opened.index
    if not library.root.is_dir():
        raise InputError("no such library folder; check --media", path=str(library.root))
    pg_store.upgrade(url)
    bar = _ProgressBar(sys.stderr)
    stats = index.rebuild(progress=bar)
    bar.close()
    for slug in stats["skipped"]:
        warn([f"{slug}: transcript unreadable, not imported"])
    print(f"imported {stats['episodes']} episodes, {stats['cues']} cues into "
          f"{pg_store.shown(url)}", file=sys.stderr)
    if index_path(library.root).is_file():
        before = SearchIndex(library, url="").store.signatures()
        missing = sorted(set(before) - set(index.store.signatures()))
        if missing:
            warn([f"{slug}: in the SQLite index but not imported" for slug in missing])
    return 0


class _ProgressBar:
    """``\r[#####     ] 512/1000 episodes`` on a terminal; nothing otherwise."""

    WIDTH = 30

    def __init__(self, stream, unit: str = "episodes"):
        self.stream = stream
        self.unit = unit
        self.live = stream.isatty()
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.live or (done < total and now - self.last < 0.1):
            return
        self.last = now
        filled = self.WIDTH * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] "
                          f"{done}/{total} {self.unit}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _date(value: str):
    import datetime

    try:
        day = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; give YYYY-MM-DD") from None
    return day if day.tzinfo else day.replace(tzinfo=datetime.timezone.utc)


def _positive_count(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above 0")
    return int(value)


def _print_outcome(outcome) -> None:
    title = printable(outcome.title)
    if outcome.kind in ("added", "updated"):
        print(f"{outcome.kind}\t/episodes/{outcome.slug}\t{title}\t{printable(outcome.detail)}")
    elif outcome.kind == "skipped":
        print(f"skipped: {title}: {printable(outcome.detail)}", file=sys.stderr)
    else:
        print(f"error: {title}: {printable(outcome.detail)}", file=sys.stderr)


def _import_one(library, source: str, args) -> int:
    """Import one feed; its items' lines as they are done, then a summary. 2 when the feed
    itself cannot be read."""
    from .core.feeds import FeedUnreadable, Options, import_feed

    bar = _ProgressBar(sys.stderr, "MB")

    def done(outcome) -> None:
        bar.close()
        _print_outcome(outcome)
        if (outcome.kind == "added" and getattr(args, "align", False)) or outcome.realign:
            _align_added(library, outcome.slug, args, named=True)

    allow = settings.load({"ALLOW_PRIVATE_FEEDS": getattr(args, "allow_private_feeds", None) or None,
                           "MEDIA_DIR": args.media})["ALLOW_PRIVATE_FEEDS"]
    options = Options(limit=getattr(args, "limit", None), since=getattr(args, "since", None),
                      allow_private=allow, align=getattr(args, "align", False), on_item=done,
                      on_bytes=lambda got, total: total and bar(got // 2**20, max(total // 2**20, 1)))
    try:
        report = import_feed(library, source, options)
    except FeedUnreadable as error:
        bar.close()
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return EXIT_INPUT
    warn(report.warnings)
    name = printable(report.title) or source
    if report.unchanged:
        print(f"{name}: not modified since the last import; nothing new", file=sys.stderr)
        return 0
    updated = report.count("updated")
    print(f"{name}: {report.count('added')} added, "
          + (f"{updated} updated, " if updated else "")
          + f"{report.present} already here, "
          f"{report.count('skipped')} skipped, {report.count('failed')} failed"
          + (f", {report.left_out} left out (--limit/--since)" if report.left_out else ""),
          file=sys.stderr)
    return 0


def cmd_import_feed(args) -> int:
    return _import_one(_library(args, follow_index=True), args.source, args)


def cmd_refresh(args) -> int:
    from .core.feeds import known_feeds

    library = _library(args, follow_index=True)
    sources = known_feeds(library)
    if not sources:
        print("no feeds imported yet; import one with: listenalong import-feed URL",
              file=sys.stderr)
    codes = [_import_one(library, source, args) for source in sources]
    return EXIT_INPUT if any(codes) else 0


def cmd_list(args) -> int:
    from .core.timecode import clock

    episodes, broken = _library(args).scan()
    if not episodes and not broken:
        print("no episodes yet; add one with: listenalong add TRANSCRIPT --audio AUDIO",
              file=sys.stderr)
    for e in episodes:
        tags = [e.language or "?"] + [o["language"] for o in e.other_transcripts]
        languages = f"\t{' + '.join(tags)}" if e.language or e.other_transcripts else ""
        print(f"{e.slug}\t{clock(e.duration)}\t{e.cues} cues\t{printable(e.title)}{languages}")
    for slug, why in broken:
        print(f"{slug}\tunavailable: {printable(why)}")
    return 0


def printable(text: str) -> str:
    """``text`` on one line with no terminal control characters (escapes, newlines)."""
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def cmd_remove(args) -> int:
    episode = _library(args, follow_index=True).remove(args.slug)
    print(f"removed {episode.slug} ({episode.title})")
    return 0


def cmd_run(args) -> int:
    from . import create_app

    app = create_app({"MEDIA_DIR": args.media})
    port = settings.load({"PORT": args.port})["PORT"]
    print(f"Listenalong on http://{args.host}:{port}/  (Ctrl+C stops)", file=sys.stderr)
    app.run(host=args.host, port=port, debug=args.debug, use_reloader=args.debug)
    return 0


def cmd_config(args) -> int:
    """Every setting: its value, where the value came from, and what it is for."""
    from .core.search.pg_store import shown

    for name, (value, source) in settings.explain({"MEDIA_DIR": args.media}).items():
        setting = settings.BY_NAME[name]
        if name == "DATABASE_URL" and value:
            value = shown(value)      # never the password
        print(f"{name} = {value}\t({source}; ${setting.env})\t{setting.help}")
    return 0


COMMANDS = {
    "convert": cmd_convert,
    "add": cmd_add,
    "list": cmd_list,
    "remove": cmd_remove,
    "reindex": cmd_reindex,
    "run": cmd_run,
    "config": cmd_config,
    "align": cmd_align,
    "db upgrade": cmd_db_upgrade,
    "db import": cmd_db_import,
    "import-feed": cmd_import_feed,
    "refresh": cmd_refresh,
}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line (no usage dump)."""

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(EXIT_INPUT, f"error: {message} (see '{self.prog} --help')\n")


def _media_option() -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--media", metavar="DIR", help="episode library folder (default: "
                        f"${settings.BY_NAME['MEDIA_DIR'].env} or ./media)")
    return shared


def _from_option(what: str) -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--from", dest="fmt_in", metavar="FORMAT",
                        help=f"{what} format: {', '.join(FORMAT_NAMES)} (default: detected)")
    return shared


def _add_convert(sub) -> None:
    convert = sub.add_parser("convert", parents=[_from_option("input")],
                             help="convert a transcript to WebVTT, SRT, JSON or text")
    convert.add_argument("input", metavar="INPUT", help="transcript file (Rev, Otter, SRT, VTT, JSON)")
    convert.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    convert.add_argument("--to", choices=sorted(OUTPUT_FORMATS), default="vtt",
                         help="output format (default: vtt)")
    convert.add_argument("--duration", type=_positive_seconds, metavar="SECONDS",
                         help="audio length: where the last cue ends")


def _workers_option() -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--workers", type=int, metavar="N",
                        help="processes aligning at once (default: one per core)")
    return shared


class _AnotherTranscript(argparse.Action):
    """``--transcript FILE``: one more transcript, its language to come."""

    def __call__(self, parser, namespace, value, option=None):
        namespace.others = [*(namespace.others or []), [value, None]]


class _Language(argparse.Action):
    """``--language CODE``: the language of the ``--transcript`` just before it, else of
    the main transcript."""

    def __call__(self, parser, namespace, value, option=None):
        others = namespace.others or []
        if others and others[-1][1] is None:
            others[-1][1] = value
        elif namespace.language is None:
            namespace.language = value
        else:
            parser.error(f"--language {value}: the transcript's language is given already "
                         f"({namespace.language}); put each --language after its --transcript FILE")


def _add_add_command(sub, media, workers) -> None:
    add = sub.add_parser("add", parents=[media, workers, _from_option("transcript")],
                         help="add an episode: transcript + audio → library folder")
    add.add_argument("transcript", metavar="TRANSCRIPT")
    add.add_argument("--audio", required=True, metavar="AUDIO",
                     help="MP3, M4A/AAC, Ogg/Opus, FLAC or WAV")
    add.add_argument("--title", help="episode title (default: from the file name)")
    add.add_argument("--slug", help="URL name (default: from the title)")
    add.add_argument("--chapters", metavar="FILE",
                     help="chapters: Podcasting 2.0 JSON or WebVTT (default: the MP3's ID3 "
                          "chapters, or a timestamp list in the transcript's notes)")
    add.add_argument("--language", metavar="CODE", action=_Language,
                     help="the transcript's language, a code like en, de, pt-BR or zh-Hant "
                          "(default: from its script where that says, else unknown); after "
                          "--transcript FILE, that file's language")
    add.add_argument("--transcript", metavar="FILE", dest="others", action=_AnotherTranscript,
                     help="the same episode's transcript in another language, followed by "
                          "its --language CODE (repeat for each language)")
    add.add_argument("--no-align", dest="align", action="store_false",
                     help="skip word timing (align later with 'listenalong align')")


def _add_library_commands(sub, media) -> None:
    workers = _workers_option()
    _add_add_command(sub, media, workers)
    sub.add_parser("list", parents=[media], help="list the library's episodes")
    remove = sub.add_parser("remove", parents=[media], help="remove an episode from the library")
    remove.add_argument("slug", metavar="SLUG")
    sub.add_parser("reindex", parents=[media],
                   help="rebuild the search index from the episode folders")
    align = sub.add_parser("align", parents=[media, workers],
                           help="time every word: align the transcript to the audio, offline")
    which = align.add_mutually_exclusive_group(required=True)
    which.add_argument("slug", metavar="SLUG", nargs="?")
    which.add_argument("--all", action="store_true", help="every episode in the library")
    align.add_argument("--report", action="store_true",
                       help="list the paragraphs that kept their estimated timing, and why")
    feed = sub.add_parser("import-feed", parents=[media, workers],
                          help="import a podcast feed's episodes that have transcripts")
    feed.add_argument("source", metavar="URL|FILE", help="the feed's address (or a saved copy)")
    feed.add_argument("--limit", type=_positive_count, metavar="N",
                      help="only the N newest items")
    feed.add_argument("--since", type=_date, metavar="DATE",
                      help="only items published on or after DATE (YYYY-MM-DD)")
    feed.add_argument("--align", action="store_true",
                      help="time every word of each new episode (as add does; slow for long ones)")
    refresh = sub.add_parser("refresh", parents=[media, workers],
                             help="import what is new in every feed imported before")
    _allow_private(feed, refresh)


def _allow_private(*commands) -> None:
    for command in commands:
        command.add_argument("--allow-private-feeds", action="store_true",
                             help="fetch from loopback and private addresses too (a feed on "
                                  "your own network; the ALLOW_PRIVATE_FEEDS setting)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="listenalong", description="Read and listen to podcasts together.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    media = _media_option()
    _add_convert(sub)
    _add_library_commands(sub, media)
    run = sub.add_parser("run", parents=[media], help="serve the web app (development server)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, help="default: the PORT setting, 5000")
    run.add_argument("--debug", action="store_true")
    sub.add_parser("config", parents=[media],
                   help="show every setting, its value and where it comes from")
    _add_db_commands(sub, media)
    return parser


def _add_db_commands(sub, media) -> None:
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--database", metavar="URL",
                          help="postgresql://… (default: $LISTENALONG_DATABASE_URL)")
    db = sub.add_parser("db", help="the PostgreSQL database of a library shared by "
                        "several app nodes")
    verbs = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    verbs.add_parser("upgrade", parents=[database],
                     help="create the schema, or bring it up to date (safe to run again)")
    verbs.add_parser("import", parents=[media, database],
                     help="move a library into PostgreSQL: its catalogue and search index")


# commands that read or write the database when one is set: it must answer first
NEEDS_DATABASE = {"add", "remove", "reindex", "align", "import-feed", "refresh", "db"}


def _check_database(args) -> None:
    from .core.search import pg_store

    url = _configured_url(args)
    if args.command in NEEDS_DATABASE and pg_store.is_postgres(url):
        pg_store.check(url)


def main(argv: list[str] | None = None) -> int:
    from .core.search.store import SearchUnavailable

    args = build_parser().parse_args(argv)
    command = args.command if args.command != "db" else f"db {args.db_command}"
    try:
        _check_database(args)
        return COMMANDS[command](args) or 0
    except (InputError, settings.SettingError, SearchUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

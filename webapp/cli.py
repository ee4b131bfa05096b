"""The ``listenalong`` command: thin argparse layer over :mod:`webapp.core`.

Every failure the user can fix prints one line, ``error: FILE:LINE: what and how``,
and exits 2; warnings go to stderr as ``warning: …``.
"""
from __future__ import annotations

import argparse
import sys

from .core import OUTPUT_FORMATS, InputError, read_transcript, render
from .core.atomic import write_text
from .core.reading import FORMAT_NAMES

EXIT_INPUT = 2


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError("the duration must be a positive number of seconds")
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


COMMANDS = {"convert": cmd_convert}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line (no usage dump)."""

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(EXIT_INPUT, f"error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="listenalong", description="Read and listen to podcasts together.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    convert = sub.add_parser("convert", help="convert a transcript to WebVTT, SRT, JSON or text")
    convert.add_argument("input", metavar="INPUT", help="transcript file (Rev, Otter, SRT, VTT, JSON)")
    convert.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    convert.add_argument("--to", choices=sorted(OUTPUT_FORMATS), default="vtt",
                         help="output format (default: vtt)")
    convert.add_argument("--from", dest="fmt_in", choices=FORMAT_NAMES,
                         help="input format (default: detected)")
    convert.add_argument("--duration", type=_positive_seconds, metavar="SECONDS",
                         help="audio length: where the last cue ends")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Command-line interface (thin: one function per sub-command, each calling the library)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from . import __version__
from .errors import NeurocompareError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    print(run_demo(seed=args.seed))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurocompare",
        description="How does a real (spiking) neuron differ from an artificial one? Measured.",
    )
    parser.add_argument("--version", action="version", version=f"neurocompare {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="run the built-in XOR circuit through both backends and print both outputs")
    demo.add_argument("--seed", type=int, default=0, help="seed of the spiking input encoding (default 0)")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except NeurocompareError as exc:
        print(f"neurocompare: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neurocompare: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

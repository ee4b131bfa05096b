"""Listenalong's core: transcripts in, cues and WebVTT out. Imports no Flask.

Reading:   :func:`webapp.core.reading.read_transcript` (file → :class:`Transcript`)
Model:     :mod:`webapp.core.model` (``Cue``, ``Transcript``)
Writing:   :mod:`webapp.core.writing` (VTT, SRT, Podcasting 2.0 JSON, text)
"""
from .errors import InputError, Warn
from .model import Cue, Transcript
from .reading import read_transcript, parse_text
from .writing import render, FORMATS as OUTPUT_FORMATS

__all__ = [
    "Cue", "Transcript", "InputError", "Warn",
    "read_transcript", "parse_text", "render", "OUTPUT_FORMATS",
]

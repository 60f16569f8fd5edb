"""Reading WebVTT caption files (Zoom, BigBlueButton, any editor) into cues.

webvtt-py reads the cues; it does not say *where* a file is wrong, and in its lenient mode it
drops blocks it cannot read. So the file is first checked block by block here, and the first
problem is reported with its line number ("line 7: …"), before webvtt-py reads it strictly.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field

import webvtt
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError

from .search.analysis import fold, skeleton, words

TIMING_RE = re.compile(r"^(?P<start>(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3})\s+-->\s+(?P<end>(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3})(?:\s+.*)?$")
MAX_BYTES = 20 * 1024 * 1024


class CaptionFileError(DomainError):
    """A caption file that is not valid WebVTT; the message names the line."""

    code = "invalid_captions"

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        text = _("Line %(line)d: %(problem)s") % {"line": line, "problem": message} if line else message
        super().__init__(text, field="file")


def _seconds(stamp: str) -> float:
    parts = stamp.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CaptionFileError(_("The file is larger than 20 MB."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CaptionFileError(_("the file is not UTF-8 text."), line=line) from error


def check(text: str) -> None:
    """Raise :class:`CaptionFileError` naming the first line that is not valid WebVTT."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise CaptionFileError(_("a WebVTT file starts with the word WEBVTT."), line=1)
    index = 1
    # The header block runs to the first blank line.
    while index < len(lines) and lines[index].strip():
        if "-->" in lines[index]:
            raise CaptionFileError(_("a blank line must follow the WEBVTT header."), line=index + 1)
        index += 1
    cues = 0
    previous_start = 0.0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        block_start = index
        block = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        first = block[0].strip()
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        timing_offset = 0 if "-->" in block[0] else 1
        if timing_offset == 1 and (len(block) < 2 or "-->" not in block[1]):
            raise CaptionFileError(
                _("expected a cue timing such as 00:01:02.500 --> 00:01:05.000."), line=block_start + 1 + (len(block) > 1)
            )
        timing_line = block_start + timing_offset + 1
        match = TIMING_RE.match(block[timing_offset].strip())
        if match is None:
            raise CaptionFileError(_("this cue timing is not valid (write 00:01:02.500 --> 00:01:05.000)."), line=timing_line)
        start, end = _seconds(match["start"]), _seconds(match["end"])
        if end <= start:
            raise CaptionFileError(_("the cue ends before it starts."), line=timing_line)
        if start < previous_start:
            raise CaptionFileError(_("cues must be in order of their start times."), line=timing_line)
        previous_start = start
        if any("-->" in line for line in block[timing_offset + 1 :]):
            raise CaptionFileError(_("a blank line must separate two cues."), line=timing_line + 1)
        cues += 1
    if cues == 0:
        raise CaptionFileError(_("the file has no cues."), line=len(lines))


def parse(data: bytes) -> list[list]:
    """``[[start, end, text], ...]`` of a WebVTT file, or :class:`CaptionFileError`."""
    text = _decode(data)
    check(text)
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format="vtt")
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as error:
        raise CaptionFileError(_("the file is not valid WebVTT (%(error)s).") % {"error": error}) from error
    cues = []
    for caption in captions:
        cue_text = " ".join(html.unescape(caption.text).split())
        if cue_text:
            cues.append([_seconds(caption.start), _seconds(caption.end), cue_text])
    return cues


@dataclass
class CaptionPreview:
    """A caption file as it will be stored and published: its text, its cues, and what happened
    to the speaker labels it carried."""

    text: str
    cues: list[list]
    #: how many speaker labels were replaced by "Participant" (each occurrence)
    replaced: int = 0
    #: the labels kept (names of the recording's speakers), each once, as written
    kept: list[str] = field(default_factory=list)


# --- speaker labels -----------------------------------------------------------------------------
#
# Zoom writes who spoke at the start of each cue ("Dinara Khalikova: Good morning"), WebVTT
# voice spans name them (``<v Dinara Khalikova>`` — BigBlueButton, editors). The recording's
# speakers agreed to be on the public page; the other participants did not, so their labels
# are replaced before anything is stored (the served .vtt file too).

VOICE_RE = re.compile(r"<v(?P<classes>(?:\.[\w-]+)*)[ \t]+(?P<name>[^>]*?)\s*>")
# "Name: text" — up to five words of letters (a name, not a sentence), at the start of a cue line.
LABEL_RE = re.compile(r"^(?P<lead>(?:-\s*)?)(?P<name>[^\W\d_][\w.'’\-]*(?:[ \t]+[^\W\d_][\w.'’\-]*){0,4})[ \t]*:[ \t]+(?=\S)")
#: a file is "labelled" (every "Word Word: …" at a cue's start is a name) with this many labelled
#: cues, or when half its cues are; else "Note: …" in an ordinary file stays as it is.
LABELLED_CUES = 3


def _name_key(name: str) -> frozenset[str]:
    return frozenset(skeleton(fold(word)) for word in words(name) if word)


def _is_speaker(name: str, speakers: list[frozenset[str]]) -> bool:
    """A label names a speaker when its words (in any script, folded) are among one speaker's name words."""
    key = _name_key(name)
    return bool(key) and any(key <= speaker for speaker in speakers)


def _cue_text_lines(lines: list[str]) -> list[tuple[int, bool]]:
    """(index, first line of its cue) of every cue text line (the file is already checked)."""
    found: list[tuple[int, bool]] = []
    in_cue = first = False
    for index, line in enumerate(lines):
        if not line.strip():
            in_cue = False
        elif "-->" in line and TIMING_RE.match(line.strip()):
            in_cue, first = True, True
        elif in_cue:
            found.append((index, first))
            first = False
    return found


def replace_speaker_labels(text: str, speakers: list[str], participant: str) -> tuple[str, int, list[str]]:
    """``text`` with every speaker label that is not one of ``speakers`` replaced by ``participant``;
    how many were replaced, and the labels kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    known = [key for key in (_name_key(name) for name in speakers) if key]
    cue_lines = _cue_text_lines(lines)
    labelled = sum(1 for index, first in cue_lines if first and LABEL_RE.match(lines[index]))
    cues = sum(1 for _index, first in cue_lines if first)
    is_labelled = labelled >= LABELLED_CUES or 2 * labelled >= cues
    replaced = 0
    kept: dict[str, None] = {}

    def decide(name: str) -> str:
        nonlocal replaced
        if _is_speaker(name, known):
            kept[name.strip()] = None
            return name
        replaced += 1
        return participant

    for index, first in cue_lines:
        line = VOICE_RE.sub(lambda m: f"<v{m['classes']} {decide(m['name'])}>", lines[index])
        if first and is_labelled:
            line = LABEL_RE.sub(lambda m: f"{m['lead']}{decide(m['name'])}: ", line, count=1)
        lines[index] = line
    return "\n".join(lines), replaced, list(kept)


def prepare(data: bytes, *, speakers: list[str] | None = None, participant: str = "Participant") -> CaptionPreview:
    """Read and check a caption file (``CaptionFileError`` by line), and replace the labels of
    everyone who is not one of ``speakers`` (names in any language) by ``participant``."""
    text = _decode(data)
    check(text)
    text, replaced, kept = replace_speaker_labels(text, speakers or [], participant)
    return CaptionPreview(text=text, cues=parse(text.encode()), replaced=replaced, kept=kept)

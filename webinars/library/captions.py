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
    """A caption file as it would be stored: its cues, and the speaker labels it carried."""

    cues: list[list]
    #: how many speaker labels were replaced by "Participant"
    replaced: int = 0
    #: the labels kept (names of the recording's speakers), each once
    kept: list[str] = field(default_factory=list)


def prepare(data: bytes) -> CaptionPreview:
    return CaptionPreview(cues=parse(data))

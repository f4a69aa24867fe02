"""The look of the PDF report: fonts, paragraph styles and the few flowables every section uses.

The text font is DejaVu Sans (shipped with matplotlib), so any letter a user types in a
column name or a file name prints, not only Latin-1. Every piece of text goes through
``esc`` before it reaches reportlab's Paragraph markup.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

PAGE = A4
MARGIN = 2 * cm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
HEADER_BG = colors.Color(0.86, 0.86, 0.86)
STRIPE_BG = colors.Color(0.96, 0.96, 0.96)
RULE = colors.Color(0.55, 0.55, 0.55)
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN

_DEJAVU = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf",
           "-Oblique": "DejaVuSans-Oblique.ttf", "-BoldOblique": "DejaVuSans-BoldOblique.ttf"}


@functools.cache
def font_names() -> tuple[str, str, str]:
    """(regular, bold, italic) font names; DejaVu when its files exist, else Helvetica."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    try:
        for suffix, filename in _DEJAVU.items():
            name = f"PracticaSans{suffix}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily("PracticaSans", normal="PracticaSans",
                                      bold="PracticaSans-Bold", italic="PracticaSans-Oblique",
                                      boldItalic="PracticaSans-BoldOblique")
        return "PracticaSans", "PracticaSans-Bold", "PracticaSans-Oblique"
    except Exception:  # a missing or unreadable font file: the built-in fonts still work
        return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    note: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle


@functools.cache
def styles() -> Styles:
    regular, bold, italic = font_names()
    base = getSampleStyleSheet()

    def make(name, parent, **kw):
        return ParagraphStyle(name, parent=base[parent], fontName=kw.pop("font", regular), **kw)

    cell = make("PCell", "BodyText", fontSize=7.5, leading=9.2, spaceBefore=0, spaceAfter=0)
    return Styles(
        title=make("PTitle", "Title", font=bold, fontSize=24, leading=29, spaceAfter=14),
        h1=make("PH1", "Heading1", font=bold, fontSize=16, leading=20, spaceBefore=6,
                spaceAfter=8, keepWithNext=1),
        h2=make("PH2", "Heading2", font=bold, fontSize=12, leading=15, spaceBefore=10,
                spaceAfter=5, keepWithNext=1),
        body=make("PBody", "BodyText", fontSize=9.5, leading=13, spaceAfter=5),
        small=make("PSmall", "BodyText", fontSize=8, leading=10.5, spaceAfter=3),
        caption=make("PCaption", "BodyText", font=italic, fontSize=8, leading=10.5,
                     spaceBefore=2, spaceAfter=8, textColor=colors.Color(0.25, 0.25, 0.25)),
        note=make("PNote", "BodyText", fontSize=9, leading=12, spaceBefore=10, spaceAfter=10,
                  borderColor=RULE, borderWidth=0.6, borderPadding=5, leftIndent=5,
                  rightIndent=5, backColor=STRIPE_BG),
        bullet=make("PBullet", "BodyText", fontSize=9.5, leading=13, spaceAfter=3,
                    leftIndent=14, bulletIndent=3, bulletFontName=regular),
        cell=cell,
        cell_right=ParagraphStyle("PCellRight", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("PCellHead", parent=cell, fontName=bold),
    )


class _Table(Table):
    """A table that moves whole to the next page when it is short, rather than split.

    Unlike wrapping it in ``KeepTogether``, this keeps it a plain flowable, so a heading
    with ``keepWithNext`` before it stays on the same page as the table.
    """

    KEEP_WHOLE_BELOW = 0.4 * FRAME_HEIGHT

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        if getattr(self, "_height", FRAME_HEIGHT) < self.KEEP_WHOLE_BELOW:
            return []
        return super().split(availWidth, availHeight)


def esc(value: object) -> str:
    """``value`` as text that is safe inside Paragraph markup."""
    return escape(str(value))


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of already escaped markup in one of the ``Styles``."""
    return Paragraph(text, getattr(styles(), style))


def plain(text: object, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped here)."""
    return para(esc(text), style)


def lead(text: object, style: str = "body") -> Paragraph:
    """A plain paragraph that stays on the same page as the flowable after it (a table)."""
    result = plain(text, style)
    result.keepWithNext = 1
    return result


def heading(text: str, level: int = 1) -> Paragraph:
    return plain(text, "h1" if level == 1 else "h2")


def spacer(height_cm: float = 0.3) -> Spacer:
    return Spacer(1, height_cm * cm)


def bullets(items: Sequence[str]) -> list[Paragraph]:
    """A bulleted list of plain-text items (one paragraph each, so headings keep with it)."""
    style = styles().bullet
    return [Paragraph(esc(item), style, bulletText="•") for item in items]


def table(header: Sequence[str], rows: Sequence[Sequence[object]],
          widths: Sequence[float], right: Sequence[int] = (),
          font_size: float | None = None, width_share: float = 1.0) -> Table:
    """A striped table that repeats its header on every page it spans.

    A short table is kept on one page instead (see ``_Table``).

    Args:
        header: column titles (plain text).
        rows: cell values (plain text, or a ready Flowable).
        widths: relative column widths; they are scaled to the page width.
        right: indexes of columns to align right (numbers).
        font_size: a smaller font for wide tables.
        width_share: the share of the text width the table takes.
    """
    s = styles()
    cell, cell_right, head = s.cell, s.cell_right, s.cell_head
    if font_size:
        cell = ParagraphStyle("PCellS", parent=cell, fontSize=font_size, leading=font_size * 1.22)
        cell_right = ParagraphStyle("PCellRS", parent=cell, alignment=TA_RIGHT)
        head = ParagraphStyle("PCellHS", parent=cell, fontName=s.cell_head.fontName)

    head_right = ParagraphStyle("PCellHR", parent=head, alignment=TA_RIGHT)

    def wrap(value, style):
        return value if isinstance(value, Flowable) else Paragraph(esc(value), style)

    data = [[wrap(h, head_right if i in right else head) for i, h in enumerate(header)]]
    data += [[wrap(v, cell_right if i in right else cell) for i, v in enumerate(row)]
             for row in rows]
    total = float(sum(widths))
    col_widths = [FRAME_WIDTH * min(width_share, 1.0) * w / total for w in widths]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_BG]),
    ]
    result = _Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def key_values(pairs: Sequence[tuple[str, str]], key_width: float = 1.0,
               value_width: float = 2.6) -> Table:
    """A two-column table of (name, value) lines, names in bold, no header."""
    s = styles()
    data = [[Paragraph(esc(k), s.cell_head), Paragraph(esc(v), s.cell)] for k, v in pairs]
    total = key_width + value_width
    result = Table(data, colWidths=[FRAME_WIDTH * key_width / total,
                                    FRAME_WIDTH * value_width / total], hAlign="LEFT")
    result.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return result


def figure(png: bytes, caption: str | None = None, width_share: float = 1.0) -> list[Flowable]:
    """A PNG scaled to ``width_share`` of the text width, then its caption.

    The image keeps with its caption, and a heading before it keeps with the image.
    """
    image = Image(io.BytesIO(png))
    width = FRAME_WIDTH * width_share
    image.drawWidth, image.drawHeight = width, width * image.imageHeight / image.imageWidth
    image.hAlign = "CENTER"
    if not caption:
        return [image]
    image.keepWithNext = 1
    return [image, plain(caption, "caption")]

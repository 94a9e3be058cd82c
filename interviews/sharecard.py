"""Drawing a share image: a 1200x630 PNG card for link previews (OpenGraph).

Pure drawing, no models: `Card` holds the texts, `layout()` decides every
line drawn (measured with the font, a fixed number of lines per block, text
that does not fit cut at a word and ended with "…"), `render()` paints the
layout in the site's colours. Which texts go on which card, and where the
file is stored, is share.py's.

The fonts are DejaVu Sans and DejaVu Serif, shipped in interviews/fonts/
(their licence beside them) rather than taken from the system, so a card is
the same on every machine; the colours are the light theme's custom
properties in static/css/site.css, read from there so the design is decided
in one place.
"""

import functools
import hashlib
import io
import json
import re
from dataclasses import astuple, dataclass

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
ELLIPSIS = "…"

# Bump when the drawing changes, so every card gets a new name (share.py's
# `--all` refresh redraws them).
DESIGN = 1

FONTS = settings.BASE_DIR / "interviews" / "fonts"
STYLESHEET = settings.BASE_DIR / "static" / "css" / "site.css"

# Left to right: the accent bar, then the text column.
BAR = 20
LEFT = 84
RIGHT = 72
COLUMN = WIDTH - LEFT - RIGHT
QUOTE_INDENT = 30  # the quote hangs off a thin accent rule, like the site's blockquotes


@dataclass(frozen=True)
class Style:
    font: str
    size: int
    line_height: int
    max_lines: int
    colour: str  # a custom property of site.css, without its "--"


# One style per block, top to bottom. The tallest layout (every block at its
# most lines) ends above the footer, so blocks can never overlap.
SITE = Style("DejaVuSans-Bold.ttf", 26, 34, 1, "accent")
HEADING = Style("DejaVuSans-Bold.ttf", 46, 58, 3, "text")
QUOTE = Style("DejaVuSerif.ttf", 30, 44, 3, "text")
NAME = Style("DejaVuSans-Bold.ttf", 32, 40, 1, "text")
ROLE = Style("DejaVuSans.ttf", 26, 34, 1, "muted")
TOP = 56
GAP = 26
FOOTER_TOP = 496  # the rule above the name


@dataclass(frozen=True)
class Card:
    heading: str  # the question (an interview: what it holds)
    quote: str  # plain text; cut to fit
    name: str
    role: str

    @property
    def digest(self):
        """A short hash of everything drawn: a changed card gets a new file name."""
        drawn = [DESIGN, settings.SITE_NAME, sorted(colours().items()), astuple(self)]
        return hashlib.sha256(json.dumps(drawn).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Block:
    """Lines of one style, their top-left corner and the width they must fit."""

    style: Style
    lines: tuple
    x: int
    y: int
    width: int

    @property
    def bottom(self):
        return self.y + len(self.lines) * self.style.line_height


@functools.cache
def colours():
    """The light theme's colours: `:root`'s first block of site.css, as {name: "#rrggbb"}."""
    css = STYLESHEET.read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    return dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;", root))


@functools.cache
def font(name, size):
    return ImageFont.truetype(str(FONTS / name), size)


def fit_lines(text, typeface, width, max_lines):
    """`text` in at most `max_lines` lines no wider than `width` pixels.

    Lines break between words; a word wider than a line on its own (a long
    URL) is broken where it must. When the text does not fit, the last line
    is cut at a word and ends with "…".
    """
    words = text.split()
    lines = []
    i = 0
    while i < len(words) and len(lines) < max_lines:
        line = words[i]
        if typeface.getlength(line) > width:
            cut = _chars_that_fit(line, typeface, width)
            lines.append(line[:cut])
            words[i] = line[cut:]
            continue
        i += 1
        while i < len(words) and typeface.getlength(f"{line} {words[i]}") <= width:
            line = f"{line} {words[i]}"
            i += 1
        lines.append(line)
    if i < len(words):
        lines[-1] = _with_ellipsis(lines[-1], typeface, width)
    return lines


def _chars_that_fit(text, typeface, width, suffix=""):
    cut = len(text)
    while cut > 1 and typeface.getlength(text[:cut] + suffix) > width:
        cut -= 1
    return cut


def _with_ellipsis(line, typeface, width):
    words = line.split(" ")
    while len(words) > 1 and typeface.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    line = " ".join(words)
    line = line[: _chars_that_fit(line, typeface, width, ELLIPSIS)]
    # "word,…" reads as a typo; "word…" does not.
    return line.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


def _block(style, text, x, y, width):
    lines = fit_lines(text, font(style.font, style.size), width, style.max_lines) if text else []
    return Block(style, tuple(lines), x, y, width)


def layout(card):
    """Every block of `card` as it will be drawn: {name: Block}."""
    site = _block(SITE, settings.SITE_NAME, LEFT, TOP, COLUMN)
    heading = _block(HEADING, card.heading, LEFT, site.bottom + GAP, COLUMN)
    quote = _block(
        QUOTE, card.quote, LEFT + QUOTE_INDENT, heading.bottom + GAP, COLUMN - QUOTE_INDENT
    )
    name = _block(NAME, card.name, LEFT, FOOTER_TOP + GAP, COLUMN)
    role = _block(ROLE, card.role, LEFT, name.bottom + 4, COLUMN)
    return {"site": site, "heading": heading, "quote": quote, "name": name, "role": role}


def render(card):
    """(PNG bytes, the layout drawn) for `card`."""
    palette = colours()
    blocks = layout(card)
    image = Image.new("RGB", (WIDTH, HEIGHT), palette["bg"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAR - 1, HEIGHT), fill=palette["accent"])
    draw.line((LEFT, FOOTER_TOP, WIDTH - RIGHT, FOOTER_TOP), fill=palette["border"], width=2)
    quote = blocks["quote"]
    if quote.lines:
        rule = LEFT + 4
        draw.line((rule, quote.y + 6, rule, quote.bottom - 8), fill=palette["accent"], width=5)
    for block in blocks.values():
        typeface = font(block.style.font, block.style.size)
        for index, line in enumerate(block.lines):
            top = block.y + index * block.style.line_height
            draw.text((block.x, top), line, font=typeface, fill=palette[block.style.colour])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue(), blocks

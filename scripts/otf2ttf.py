"""Convert a CFF-flavoured OpenType font to TrueType (glyf) outlines.

Chrome embeds only TrueType outlines as real fonts; CFF fonts come out as Type 3.
Based on fontTools' Snippets/otf2ttf.py. Usage: otf2ttf.py IN.otf OUT.ttf
"""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERR = 1.0  # font units


def quadratic_glyphs(glyph_set):
    glyphs = {}
    for name in glyph_set.keys():
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    return glyphs


def otf_to_ttf(font):
    if font.sfntVersion != "OTTO" or "CFF " not in font:
        raise SystemExit("expected a CFF-flavoured OpenType font (OTTO with a CFF table)")
    order = font.getGlyphOrder()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = quadratic_glyphs(font.getGlyphSet())
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    # Left side bearings follow the new outlines.
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        advance, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max(
        (len(g.components) for g in glyf.glyphs.values() if hasattr(g, "components")), default=0
    )
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    try:
        post.compile(font)
    except OverflowError:
        post.formatType = 3.0
    font.sfntVersion = "\000\001\000\000"


# Code points that share a glyph with a common character: Chrome's ToUnicode would then map 月
# to the Kangxi radical ⽉, and the space to U+0001, and the text would not search.
SHADOW_RANGES = [(0x0000, 0x001F), (0x007F, 0x009F), (0x2E80, 0x2FDF), (0x31C0, 0x31EF)]


def drop_shadow_codepoints(font):
    for table in font["cmap"].tables:
        for cp in [cp for cp in table.cmap if any(a <= cp <= b for a, b in SHADOW_RANGES)]:
            del table.cmap[cp]


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: otf2ttf.py IN.otf OUT.ttf")
    font = TTFont(sys.argv[1])
    otf_to_ttf(font)
    drop_shadow_codepoints(font)
    font.save(sys.argv[2])


if __name__ == "__main__":
    main()

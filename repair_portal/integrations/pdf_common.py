"""Shared look of every printed document: fonts, colours, letterhead, tables, totals, footer."""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from .document_data import OrderDocument, QuoteInfo

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT = "DejaVu"
MONO = "Courier"  # core font: hashes and IPs are ASCII, and fixed width keeps them scannable

INK = (17, 24, 39)
MUTED = (107, 114, 128)
RULE = (209, 213, 219)
DEFAULT_ACCENT = (37, 99, 235)

# DejaVu has no CJK glyphs: fpdf2 logs a warning ("missing the following glyphs") and leaves them blank.


def hex_rgb(value: str | None) -> tuple[int, int, int]:
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})(?:[0-9a-fA-F]{2})?", (value or "").strip())
    if not match:
        return DEFAULT_ACCENT
    raw = match.group(1)
    return int(raw[0:2], 16), int(raw[2:4], 16), int(raw[4:6], 16)


def tint(rgb: tuple[int, int, int], amount: float = 0.88) -> tuple[int, int, int]:
    """The colour mixed towards white: table header fills that print light on any printer."""
    return tuple(round(c + (255 - c) * amount) for c in rgb)


def terms_summary(text: str, max_lines: int = 4, max_chars: int = 520) -> list[str]:
    """The first few lines of the shop's terms, for tickets with little room."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:max_lines]
    out, used = [], 0
    for line in lines:
        if used + len(line) > max_chars:
            cut = line[: max(0, max_chars - used)].rsplit(" ", 1)[0]
            if cut:
                out.append(cut + "…")
            break
        out.append(line)
        used += len(line)
    return out


class DocumentPDF(FPDF):
    """An fpdf2 document with the shop's fonts and accent colour and a numbered footer."""

    def __init__(self, doc: OrderDocument, title: str, *, page_format="A4", footer: bool = True):
        super().__init__(orientation="portrait", unit="mm", format=page_format)
        self.doc = doc
        self.doc_title = title
        self.accent = hex_rgb(doc.shop.accent_color)
        self.show_footer = footer
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=20 if footer else 10)
        self.set_title(f"{title} {doc.order.reference}")
        self.set_author(doc.shop.name)
        self.set_creator("Repair Portal")
        self.set_draw_color(*RULE)
        self.font()

    # --- primitives -------------------------------------------------------------------------------------------------

    def font(self, size: float = 9.5, *, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def rule(self, *, accent: bool = False, width: float = 0.2, gap: float = 3) -> None:
        self.set_draw_color(*(self.accent if accent else RULE))
        self.set_line_width(width)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_line_width(0.2)
        self.set_draw_color(*RULE)
        self.ln(gap)

    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def text_line(self, text: str, *, size: float = 9.5, bold: bool = False, color=INK, align="L", w: float = 0):
        self.font(size, bold=bold, color=color)
        self.multi_cell(w or self.epw, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def section(self, title: str) -> None:
        self.ensure_space(16)
        self.ln(3)
        self.font(8, bold=True, color=self.accent)
        self.cell(0, 5, title.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.rule(gap=2)

    def field_rows(self, rows: list[tuple[str, str]], *, x: float | None = None, w: float | None = None, label_w=30):
        """Label/value pairs; long values wrap under themselves, empty values are skipped."""
        x = self.l_margin if x is None else x
        w = w or self.epw
        for label, value in rows:
            if not value:
                continue
            self.set_x(x)
            self.font(8.5, color=MUTED)
            self.cell(label_w, 5, label)
            self.font(9.5)
            self.multi_cell(w - label_w, 5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.6)

    # --- page furniture ---------------------------------------------------------------------------------------------

    def letterhead(self, meta: list[tuple[str, str]]) -> None:
        """Shop and location on the left, document title and its facts on the right, an accent rule under both."""
        doc, top = self.doc, self.get_y()
        left_w = self.epw * 0.55
        self.font(17, bold=True, color=self.accent)
        self.multi_cell(left_w, 8, doc.shop.name or doc.location.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(8.5, color=MUTED)
        for line in [doc.location.name, doc.location.address, doc.location.phone, doc.location.email]:
            if line and line != doc.shop.name:
                self.multi_cell(left_w, 4.3, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        left_bottom = self.get_y()

        right_x, right_w = self.l_margin + left_w, self.epw - left_w
        self.set_xy(right_x, top)
        self.font(20, bold=True)
        self.cell(right_w, 9, self.doc_title, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
        for label, value in meta:
            if not value:
                continue
            self.set_x(right_x)
            self.font(8.5, color=MUTED)
            self.cell(right_w - 42, 4.8, label, align="R")
            self.font(9, bold=True)
            self.cell(42, 4.8, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(left_bottom, self.get_y()) + 3)
        self.rule(accent=True, width=0.8, gap=6)

    def parties(self) -> None:
        """Customer and device side by side."""
        doc, top = self.doc, self.get_y()
        col = (self.epw - 8) / 2
        self._block(
            self.l_margin,
            col,
            "Customer",
            [doc.customer.full_name, doc.customer.company, doc.customer.phone, doc.customer.email],
        )
        left_bottom = self.get_y()
        self.set_y(top)
        device = doc.device
        rows = [device.label, f"Serial / IMEI: {device.serial}" if device.serial else ""] if device else ["—"]
        self._block(self.l_margin + col + 8, col, "Device", rows)
        self.set_y(max(left_bottom, self.get_y()) + 2)

    def _block(self, x: float, w: float, title: str, lines: list[str]) -> None:
        self.set_x(x)
        self.font(7.5, bold=True, color=self.accent)
        self.cell(w, 5, title.upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
        for i, line in enumerate(line for line in lines if line):
            self.set_x(x)
            self.font(10 if i == 0 else 9, bold=i == 0)
            self.multi_cell(w, 5 if i == 0 else 4.6, line, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)

    def footer(self) -> None:
        if not self.show_footer:
            return
        self.set_y(-14)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
        self.font(7.5, color=MUTED)
        parts = [self.doc.shop.name, self.doc.order.reference, self.doc_title]
        self.cell(self.epw - 30, 5, " · ".join(p for p in parts if p))
        self.cell(30, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    # --- money ------------------------------------------------------------------------------------------------------

    MONEY_W = 28.0
    QTY_W = 14.0

    def heading_style(self) -> FontFace:
        return FontFace(emphasis="BOLD", color=self.accent, fill_color=tint(self.accent), size_pt=8.5)

    def lines_table(self, quote: QuoteInfo, *, billable_only: bool = False) -> None:
        """Itemised lines; optional ones are marked with the customer's decision, declined ones greyed."""
        desc_w = self.epw - self.QTY_W - 2 * self.MONEY_W
        grey = FontFace(color=MUTED)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        with self.table(
            col_widths=(desc_w, self.QTY_W, self.MONEY_W, self.MONEY_W),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
            borders_layout="HORIZONTAL_LINES",
            headings_style=self.heading_style(),
            line_height=5,
            padding=(1.6, 2),
            width=self.epw,
            align="LEFT",
        ) as table:
            self.font(9.5)
            table.row(["Description", "Qty", "Unit price", "Amount"])
            for line in quote.lines:
                if billable_only and not line.counted:
                    continue
                text = line.description
                if line.optional:
                    decision = {"accepted": "accepted", "declined": "declined, not included"}.get(
                        line.decision or "", "your choice"
                    )
                    text += f"\nOptional · {decision}"
                style = None if line.counted else grey
                row = table.row()
                for value in (text, str(line.quantity), line.unit_price, line.line_total):
                    row.cell(value, style=style)
        self.ln(2)

    def totals(self, rows: list[tuple[str, str, bool]]) -> None:
        """Right-hand totals whose figures line up with the table's amount column."""
        label_w = 58.0
        x = self.w - self.r_margin - label_w - self.MONEY_W
        self.ensure_space(7 * len(rows) + 4)
        for label, value, strong in rows:
            if strong:
                self.set_draw_color(*self.accent)
                self.set_line_width(0.5)
                self.line(x + 10, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
                self.set_line_width(0.2)
                self.ln(1.5)
            self.set_x(x)
            self.font(11 if strong else 9.5, bold=strong, color=INK if strong else MUTED)
            self.cell(label_w, 6.5 if strong else 5.5, label, align="R")
            self.font(11 if strong else 9.5, bold=strong)
            self.cell(self.MONEY_W, 6.5 if strong else 5.5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)

    def quote_totals(self, quote: QuoteInfo) -> None:
        self.totals(
            [
                ("Subtotal", quote.subtotal, False),
                (f"{quote.tax_label} ({quote.tax_rate})", quote.tax, False),
                ("Total", quote.total, True),
            ]
        )

    def output_bytes(self) -> bytes:
        return bytes(self.output())

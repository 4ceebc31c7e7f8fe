"""Invoice and account statement PDFs with the shop's branding (the shared look of pdf_common.DocumentPDF).

Each function takes the frozen data built by services/invoice_documents.py and returns PDF bytes.
"""

from __future__ import annotations

from .invoice_data import InvoiceDocument, StatementDocument
from .pdf_common import MUTED, DocumentPDF

__all__ = ["invoice_pdf", "statement_pdf"]


def _table(pdf: DocumentPDF, widths: tuple, align: tuple, heading: list[str], rows: list[list[str]]) -> None:
    with pdf.table(
        col_widths=widths,
        text_align=align,
        borders_layout="HORIZONTAL_LINES",
        headings_style=pdf.heading_style(),
        line_height=5,
        padding=(1.4, 2),
        width=pdf.epw,
        align="LEFT",
    ) as table:
        pdf.font(9.5)
        table.row(heading)
        for row in rows:
            table.row(row)
    pdf.ln(2)


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    pdf = DocumentPDF(doc, "Invoice")
    pdf.set_title(f"Invoice {doc.number}")
    pdf.add_page()
    pdf.letterhead(
        [
            ("Invoice no.", doc.number),
            ("Issued", doc.issue_date),
            ("Due", doc.due_date),
            ("Order", doc.order_reference),
            ("Your PO", doc.po_number),
            ("Amount due", doc.due),
        ]
    )
    pdf.parties()
    if doc.status == "void":
        pdf.text_line(
            f"VOID — this invoice was cancelled on {doc.voided_on}. Reason: {doc.void_reason}",
            size=11,
            bold=True,
            color=(185, 28, 28),
        )
        pdf.ln(2)
    pdf.section("Charges")
    money_w, qty_w = pdf.MONEY_W, pdf.QTY_W
    _table(
        pdf,
        (pdf.epw - qty_w - 2 * money_w, qty_w, money_w, money_w),
        ("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        ["Description", "Qty", "Unit price", "Amount"],
        [[line.description, str(line.quantity), line.unit_price, line.amount] for line in doc.lines],
    )
    pdf.totals(
        [
            ("Subtotal", doc.subtotal, False),
            (f"{doc.tax_label} ({doc.tax_rate})", doc.tax, False),
            ("Total", doc.total, True),
        ]
    )
    pdf.section("Payments")
    if doc.payments:
        _table(
            pdf,
            (30, 34, pdf.epw - 30 - 34 - money_w, money_w),
            ("LEFT", "LEFT", "LEFT", "RIGHT"),
            ["Date", "Method", "Reference", "Amount"],
            [[p.date, p.method, p.reference, p.amount] for p in doc.payments],
        )
    else:
        pdf.text_line("No payments received yet.", color=MUTED)
        pdf.ln(2)
    pdf.totals([("Total", doc.total, False), ("Paid", doc.paid, False), ("Amount due", doc.due, True)])
    pdf.ln(5)
    if doc.status == "paid":
        pdf.text_line("Paid in full. Thank you.", bold=True, color=pdf.accent)
    elif doc.status != "void":
        overdue = " This invoice is overdue." if doc.status == "overdue" else ""
        pdf.text_line(
            f"Please pay {doc.due} by {doc.due_date}, quoting {doc.number}.{overdue}",
            bold=doc.status == "overdue",
        )
    return pdf.output_bytes()


def statement_pdf(doc: StatementDocument) -> bytes:
    pdf = DocumentPDF(doc, "Statement")
    pdf.set_title(f"Statement {doc.period}")
    pdf.add_page()
    pdf.letterhead(
        [("From", doc.start), ("To", doc.end), ("Opening balance", doc.opening), ("Closing balance", doc.closing)]
    )
    top = pdf.get_y()
    pdf._block(
        pdf.l_margin,
        pdf.epw / 2,
        "Account",
        [
            doc.customer.company or doc.customer.full_name,
            doc.customer.full_name if doc.customer.company else "",
            doc.customer.email,
            doc.customer.phone,
        ],
    )
    pdf.set_y(max(top, pdf.get_y()) + 2)
    pdf.section("Account activity")
    money_w = pdf.MONEY_W
    rows = [[doc.start, "Opening balance", "", "", doc.opening]]
    rows += [[line.date, line.details, line.charge, line.payment, line.balance] for line in doc.lines]
    rows.append([doc.end, "Closing balance", "", "", doc.closing])
    _table(
        pdf,
        (26, pdf.epw - 26 - 3 * money_w, money_w, money_w, money_w),
        ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        ["Date", "Details", "Invoiced", "Paid", "Balance"],
        rows,
    )
    pdf.totals(
        [
            ("Opening balance", doc.opening, False),
            ("Invoiced", doc.charges, False),
            ("Paid", doc.payments, False),
            ("Closing balance", doc.closing, True),
        ]
    )
    pdf.ln(4)
    pdf.text_line(f"Store credit available: {doc.credit_balance}", color=MUTED)
    if doc.closing_minor > 0:
        pdf.text_line(f"Please pay the balance of {doc.closing}, quoting the invoice numbers above.")
    pdf.text_line(f"Produced on {doc.generated_at}.", size=8, color=MUTED)
    return pdf.output_bytes()

"""Render the benchmark's 20-line invoice with reportlab, for comparison.

Usage: reportlab_invoice.py INVOICE_JSON FONT_TTF COUNT

Lays out the same content as Facturier's renderer (seller and buyer blocks,
a 20-row table, VAT breakdown, totals and legal mentions) with the same
embedded DejaVu Sans font, COUNT times in one process, and prints the mean
milliseconds per invoice. The totals are summed here only to have figures to
print; they are not checked.
"""

import io
import json
import sys
import time
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas


def render(invoice):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    y = height - 42.5
    pdf.setFont("DejaVu", 10)
    for text in ["Atelier Facturier SAS", "SAS au capital de 10 000 €", "12 quai Saint-Antoine",
                 "69002 Lyon", "SIREN 732829320 · RCS Lyon 732 829 320",
                 "N° TVA intracommunautaire : FR44732829320"]:
        pdf.drawString(42.5, y, text)
        y -= 11
    pdf.setFont("DejaVu", 16)
    pdf.drawString(320, height - 42.5, "FACTURE")
    pdf.setFont("DejaVu", 9)
    customer = invoice["customer"]
    y -= 20
    for text in [customer["name"], customer["address"]["line1"],
                 customer["address"]["postcode"] + " " + customer["address"]["city"]]:
        pdf.drawString(320, y, text)
        y -= 11
    y -= 14
    for index, title in enumerate(["Désignation", "Qté", "Unité", "Prix unit. HT", "TVA", "Montant HT"]):
        pdf.drawString(42.5 + [0, 230, 270, 320, 400, 460][index], y, title)
    y -= 12
    bases = {}
    net_total = Decimal(0)
    for line in invoice["lines"]:
        quantity = Decimal(line["quantity"])
        price = Decimal(line["unit_price"])
        net = quantity * price
        rate = line["vat"]["rate"]
        bases[rate] = bases.get(rate, Decimal(0)) + net
        net_total += net
        words = line["description"].split()
        first, rest = " ".join(words[:6]), " ".join(words[6:])
        pdf.drawString(42.5, y, first)
        pdf.drawRightString(300, y, str(quantity))
        pdf.drawString(312, y, "heure")
        pdf.drawRightString(390, y, f"{price:.2f}".replace(".", ","))
        pdf.drawRightString(440, y, rate + " %")
        pdf.drawRightString(552, y, f"{net:.2f}".replace(".", ","))
        y -= 11
        pdf.drawString(42.5, y, rest)
        y -= 14
    tax_total = Decimal(0)
    for rate, base in bases.items():
        tax = (base * Decimal(rate) / 100).quantize(Decimal("0.01"))
        tax_total += tax
        pdf.drawString(42.5, y, f"TVA {rate} %  {base:.2f}  {tax:.2f}")
        y -= 11
    for label, value in [("Total HT", net_total), ("Total TVA", tax_total), ("Total TTC", net_total + tax_total)]:
        pdf.drawString(350, y, label)
        pdf.drawRightString(552, y, f"{value:.2f} €")
        y -= 12
    for text in ["Conditions de paiement : 30 jours net", "Pas d'escompte pour paiement anticipé",
                 "Pénalités de retard : taux annuel de 10 %",
                 "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
                 "Nature de l'opération : prestation de services"]:
        pdf.drawString(42.5, y, text)
        y -= 10
    pdf.drawString(42.5, 40, "Facture F2026-00001 · page 1 sur 1")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main():
    invoice = json.load(open(sys.argv[1], encoding="utf-8"))
    pdfmetrics.registerFont(TTFont("DejaVu", sys.argv[2]))
    count = int(sys.argv[3])
    for _ in range(20):
        render(invoice)
    start = time.perf_counter()
    for _ in range(count):
        size = len(render(invoice))
    elapsed = time.perf_counter() - start
    print(f"{elapsed / count * 1000:.3f} {size}")


if __name__ == "__main__":
    main()

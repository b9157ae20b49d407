//! A description taller than a page breaks across pages under a repeated
//! table header; totals print once, on the last page.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use facturier::document::DocumentKind;
use facturier::pdf::{Language, Template};
use pdf_common::{assert_fonts_embedded, assert_qpdf_check, books, draft, page_count, text, words};

const CUSTOMER: &str = "Nordhavn Maritime Engineering and Offshore Logistics Services Holding Aktieselskab, Branch Office for Northern Germany and the Benelux Region";

fn long_invoice() -> String {
    let description: Vec<String> = (1..=150).map(|n| format!("Spec line {n:03}")).collect();
    let mut lines = vec![serde_json::json!({
        "description": description.join("\n"), "quantity": "1", "unit": "C62",
        "unit_price": "500.00", "vat": {"category": "S", "rate": "20"}
    })];
    for n in 1..=80 {
        lines.push(serde_json::json!({
            "description": format!("Item {n}"), "quantity": "1", "unit": "C62",
            "unit_price": "1.00", "vat": {"category": "S", "rate": "20"}
        }));
    }
    serde_json::json!({
        "customer": {"name": CUSTOMER,
            "address": {"line1": "Am Sandtorkai 50", "postcode": "20457", "city": "Hamburg", "country": "DE"}},
        "currency": "EUR", "issue_date": "2026-03-02", "lines": lines
    })
    .to_string()
}

fn rendered() -> (String, Vec<u8>) {
    let (_dir, mut books) = books();
    books
        .set_template(&Template {
            language: Language::English,
            ..Template::default()
        })
        .unwrap();
    let id = draft(&mut books, DocumentKind::Invoice, &long_invoice());
    let number = books.issue(id, None).unwrap();
    (number, books.pdf(id).unwrap())
}

#[test]
fn long_description_breaks_across_pages_in_order() {
    let (_number, pdf) = rendered();
    assert_qpdf_check(&pdf);
    assert_fonts_embedded(&pdf);
    assert!(page_count(&pdf) >= 3, "only {} pages", page_count(&pdf));
    let text = text(&pdf);

    let mut last = 0;
    for n in 1..=150 {
        let needle = format!("Spec line {n:03}");
        assert_eq!(
            text.matches(&needle).count(),
            1,
            "{needle} is not printed exactly once"
        );
        let position = text.find(&needle).unwrap();
        assert!(position > last, "{needle} is out of order");
        last = position;
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(CUSTOMER),
        "the customer name is not printed in full:\n{flat}"
    );
}

#[test]
fn totals_print_once_on_last_page() {
    let (_number, pdf) = rendered();
    let text = text(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|page| !page.trim().is_empty())
        .collect();
    let last = pages.last().unwrap();
    for (label, amount) in [
        ("Total excl. VAT", "580.00 €"),
        ("Total VAT", "116.00 €"),
        ("Total incl. VAT", "696.00 €"),
    ] {
        assert_eq!(
            text.matches(label).count(),
            1,
            "{label} is not printed exactly once"
        );
        let line = last
            .lines()
            .find(|line| line.contains(label))
            .unwrap_or_else(|| panic!("{label} is not on the last page"));
        assert!(line.trim_end().ends_with(amount), "{label} reads {line:?}");
    }
}

#[test]
fn every_page_carries_number_and_page_of_count() {
    let (number, pdf) = rendered();
    let count = page_count(&pdf);
    let text = text(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|page| !page.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), count);
    for (index, page) in pages.iter().enumerate() {
        let caption = format!("Invoice {number} · page {} of {count}", index + 1);
        assert!(
            page.contains(&caption),
            "page {} lacks {caption:?}",
            index + 1
        );
        assert!(
            page.contains("Description"),
            "page {} lacks the table header",
            index + 1
        );
    }
}

#[test]
fn no_text_overlaps_or_leaves_the_margins() {
    let (_number, pdf) = rendered();
    let ((width, height), words) = words(&pdf);
    // Page margins are 15 mm (42.5 pt); the tolerance allows for glyph
    // boxes that pdftotext takes from the font's ascent and descent.
    let margin = 40.0;
    for word in &words {
        assert!(
            word.x_min >= margin
                && word.x_max <= width - margin
                && word.y_min >= margin
                && word.y_max <= height - margin,
            "{word:?} lies outside the printable area of a {width} x {height} page"
        );
    }
    let pages = words.iter().map(|word| word.page).max().unwrap();
    for page in 1..=pages {
        let on_page: Vec<_> = words.iter().filter(|word| word.page == page).collect();
        for (index, first) in on_page.iter().enumerate() {
            for second in &on_page[index + 1..] {
                let overlap_x = first.x_max.min(second.x_max) - first.x_min.max(second.x_min);
                let overlap_y = first.y_max.min(second.y_max) - first.y_min.max(second.y_min);
                assert!(
                    overlap_x <= 0.5 || overlap_y <= 0.5,
                    "on page {page}, {first:?} overlaps {second:?}"
                );
            }
        }
    }
}

/// Returns an invoice whose rows mix descriptions of different lengths, so
/// that the pen moves between the cells of each row differ from row to row.
fn mixed_rows_invoice() -> String {
    let descriptions = [
        "Audit",
        "Formation avancée des équipes",
        "Étude",
        "Maintenance préventive trimestrielle",
        "Conseil",
        "Développement Ωmega",
        "Support",
        "Revue de code et documentation",
    ];
    let lines: Vec<_> = descriptions
        .iter()
        .enumerate()
        .map(|(index, description)| {
            serde_json::json!({
                "description": description, "quantity": (index + 1).to_string(), "unit": "HUR",
                "unit_price": "12.50", "vat": {"category": "S", "rate": "20"}
            })
        })
        .collect();
    serde_json::json!({
        "customer": {"name": "Atelier Lenoir SARL",
            "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
        "currency": "EUR", "issue_date": "2026-03-02", "lines": lines
    })
    .to_string()
}

#[test]
fn row_cells_keep_their_columns() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, &mixed_rows_invoice());
    let pdf = books.pdf(id).unwrap();
    let ((width, _height), words) = words(&pdf);

    let line_totals = [
        "12,50", "25,00", "37,50", "50,00", "62,50", "75,00", "87,50", "100,00",
    ];
    // The line totals are right-aligned in the last column, without the
    // currency sign that follows the amounts of the totals block.
    let right_edges: Vec<f32> = words
        .iter()
        .filter(|word| line_totals.contains(&word.text.as_str()) && word.x_max > width - 50.0)
        .map(|word| word.x_max)
        .collect();
    assert_eq!(right_edges.len(), line_totals.len(), "{right_edges:?}");
    // The last column ends at the right margin (15 mm, 42.5 pt) less 3 pt of
    // padding. The PDF's advance widths are rounded down to thousandths of
    // an em, which moves a right edge by less than 0.1 pt over one amount.
    let column_end = width - 42.5 - 3.0;
    for edge in &right_edges {
        assert!(
            (edge - column_end).abs() < 0.1,
            "line totals end at {right_edges:?}, not at {column_end}"
        );
    }

    let description_starts: Vec<f32> = words
        .iter()
        .filter(|word| ["Audit", "Formation", "Étude", "Maintenance"].contains(&word.text.as_str()))
        .map(|word| word.x_min)
        .collect();
    assert_eq!(description_starts.len(), 4, "{description_starts:?}");
    let column_start = 42.5 + 3.0;
    for start in &description_starts {
        assert!(
            (start - column_start).abs() < 0.01,
            "descriptions start at {description_starts:?}, not at {column_start}"
        );
    }
}

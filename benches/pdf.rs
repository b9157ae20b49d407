//! PDF benchmarks: `cargo bench --bench pdf`.
//!
//! 1. Rendering the same 20-line invoice in process (`pdf::render`).
//! 2. Exporting 1,000 issued invoices (`Books::pdf` and a file write each),
//!    and embedding the CII XML of one of them (`einvoice::facturx::embed`).
//! 3. The whole `facturier pdf` process, database opening included, for an
//!    issued invoice (archived bytes) and for a draft (fresh rendering).
//! 4. The same invoice through reportlab (benches/reportlab_invoice.py), in
//!    the same run, for the ratio.
//!
//! Prints mean and median figures; docs/benchmarks.md records them.
//!
//! `cargo bench --bench pdf -- render [COUNT]` times only the in-process
//! rendering, COUNT times (default 2,000), which keeps a profiler run short:
//! `valgrind --tool=callgrind target/release/deps/pdf-* render 100`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use facturier::books::{Books, today};
use facturier::document::{Company, DocumentKind};
use facturier::einvoice::facturx;
use facturier::input::parse_draft;
use facturier::pdf::{self, Nature, Template};

const COMPANY: &str = r#"{
    "name": "Atelier Facturier SAS", "legal_form": "SAS", "share_capital": "10 000 €",
    "siren": "732829320", "rcs": "RCS Lyon 732 829 320", "vat_id": "FR44732829320",
    "address": {"line1": "12 quai Saint-Antoine", "postcode": "69002", "city": "Lyon", "country": "FR"},
    "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "email": "compta@example.fr"
}"#;

const RENDERS: usize = 2_000;
const EXPORTS: usize = 1_000;
const PROCESS_RUNS: usize = 50;
const REPORTLAB_RENDERS: usize = 300;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let render_only = arguments.iter().any(|argument| argument == "render");
    let renders_count = match arguments.iter().find_map(|argument| argument.parse().ok()) {
        Some(count) if render_only => count,
        _ => RENDERS,
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let invoice_json = std::fs::read_to_string(root.join("benches/invoice20.json"))?;
    let dir = tempfile::tempdir()?;
    let mut books = Books::open(dir.path())?;
    let company: Company = serde_json::from_str(COMPANY)?;
    books.set_company(&company)?;
    let input = parse_draft(&invoice_json)?;

    let draft_id = books.create_draft(DocumentKind::Invoice, &input)?;
    let view = books.view(draft_id, today())?;
    let template = Template::default();
    for _ in 0..50 {
        pdf::render(&view, &company, &template, Nature::Services)?;
    }
    let mut renders = Vec::with_capacity(renders_count);
    let mut size = 0;
    for _ in 0..renders_count {
        let start = Instant::now();
        size = pdf::render(&view, &company, &template, Nature::Services)?.len();
        renders.push(start.elapsed());
    }
    report("render, 20-line invoice, in process", &renders, Some(size));
    if render_only {
        return Ok(());
    }

    let issue_start = Instant::now();
    let mut numbers = Vec::with_capacity(EXPORTS);
    for _ in 0..EXPORTS {
        let id = books.create_draft(DocumentKind::Invoice, &input)?;
        numbers.push((id, books.issue(id, None)?));
    }
    let issue_elapsed = issue_start.elapsed();
    println!(
        "{:<48} {EXPORTS} invoices in {:.2} s ({:.2} ms each: draft, checks, numbering, rendering, archive, journal)",
        "create and issue",
        issue_elapsed.as_secs_f64(),
        issue_elapsed.as_secs_f64() * 1000.0 / EXPORTS as f64
    );
    let out = tempfile::tempdir()?;
    let export_start = Instant::now();
    for (id, number) in &numbers {
        std::fs::write(out.path().join(format!("{number}.pdf")), books.pdf(*id)?)?;
    }
    let export_elapsed = export_start.elapsed();
    println!(
        "{:<48} {EXPORTS} invoices in {:.3} s ({:.3} ms each)",
        "export archived PDFs to files",
        export_elapsed.as_secs_f64(),
        export_elapsed.as_secs_f64() * 1000.0 / EXPORTS as f64
    );
    let (first_id, _) = numbers[0];
    let issued_view = books.view(first_id, today())?;
    let rendered = pdf::render(&issued_view, &company, &template, Nature::Services)?;
    let xml = books.einvoice_xml(first_id)?;
    let metadata = facturx::Metadata {
        title: "Facture".to_string(),
        created: chrono::Utc::now(),
    };
    let mut embeds = Vec::with_capacity(RENDERS);
    for _ in 0..RENDERS {
        let start = Instant::now();
        size = facturx::embed(&rendered, &xml, &metadata)?.len();
        embeds.push(start.elapsed());
    }
    report("Factur-X embedding of the CII XML", &embeds, Some(size));
    drop(books);

    let binary = env!("CARGO_BIN_EXE_facturier");
    let issued_number = &numbers[0].1;
    let draft_key = draft_id.to_string();
    for (label, key) in [
        ("issued invoice", issued_number.as_str()),
        ("draft (fresh rendering)", draft_key.as_str()),
    ] {
        let mut runs = Vec::with_capacity(PROCESS_RUNS);
        for _ in 0..PROCESS_RUNS {
            let start = Instant::now();
            let status = Command::new(binary)
                .arg("--data-dir")
                .arg(dir.path())
                .args(["pdf", key, "-o"])
                .arg(out.path().join("process.pdf"))
                .status()?;
            runs.push(start.elapsed());
            if !status.success() {
                return Err(format!("facturier pdf {key} failed: {status}").into());
            }
        }
        report(&format!("`facturier pdf` process, {label}"), &runs, None);
    }

    let output = Command::new("python3")
        .arg(root.join("benches/reportlab_invoice.py"))
        .arg(root.join("benches/invoice20.json"))
        .arg(root.join("assets/fonts/DejaVuSans.ttf"))
        .arg(REPORTLAB_RENDERS.to_string())
        .output();
    match output {
        Ok(output) if output.status.success() => {
            let text = String::from_utf8_lossy(&output.stdout);
            let mut fields = text.split_whitespace();
            let reportlab_ms: f64 = fields.next().unwrap_or("0").parse()?;
            let reportlab_size = fields.next().unwrap_or("?");
            let ours_ms = mean(&renders).as_secs_f64() * 1000.0;
            println!(
                "{:<48} mean {reportlab_ms:.3} ms ({REPORTLAB_RENDERS} renders, {reportlab_size} bytes)",
                "reportlab, same invoice, in process"
            );
            println!(
                "{:<48} {:.1}x",
                "reportlab mean / facturier mean",
                reportlab_ms / ours_ms
            );
        }
        Ok(output) => println!(
            "reportlab comparison failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => println!("reportlab comparison skipped: python3 could not be run ({error})"),
    }
    Ok(())
}

fn mean(samples: &[Duration]) -> Duration {
    samples.iter().sum::<Duration>() / samples.len().max(1) as u32
}

fn report(label: &str, samples: &[Duration], size: Option<usize>) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let p95 = sorted[sorted.len() * 95 / 100];
    let size = size
        .map(|bytes| format!(", {bytes} bytes"))
        .unwrap_or_default();
    println!(
        "{label:<48} mean {:.3} ms, median {:.3} ms, p95 {:.3} ms ({} runs{size})",
        mean(samples).as_secs_f64() * 1000.0,
        median.as_secs_f64() * 1000.0,
        p95.as_secs_f64() * 1000.0,
        samples.len()
    );
}

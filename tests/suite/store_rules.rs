//! The store's own rules: SQLite triggers refuse to rewrite issued records
//! even for a client that bypasses the application, and `verify` reports
//! every break it finds.

use crate::common;

use common::{Fixture, cli_folder, cli_issue, invoice_json, line, run};
use rusqlite::Connection;

fn raw(fixture: &Fixture) -> Connection {
    Connection::open(fixture.data_dir().join(facturier::store::DATABASE_FILE))
        .expect("raw connection")
}

fn refused(conn: &Connection, sql: &str) -> String {
    match conn.execute_batch(sql) {
        Ok(()) => panic!("SQLite accepted: {sql}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn triggers_refuse_to_change_issued_records() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&invoice_json("2026-01-05", &line("1", "100.00", "20"), ""));
    let id = fixture.books.find(&number).expect("find");
    fixture
        .books
        .record_payment(
            id,
            common::dec("10"),
            "2026-01-06".parse().expect("date"),
            "card",
            None,
        )
        .expect("pay");
    let conn = raw(&fixture);
    let statements = [
        format!("UPDATE documents SET tax_inclusive_total = '1.00' WHERE id = {id}"),
        format!("UPDATE documents SET note = 'x' WHERE id = {id}"),
        format!("DELETE FROM documents WHERE id = {id}"),
        format!("UPDATE document_lines SET quantity = '2' WHERE document_id = {id}"),
        format!("DELETE FROM document_lines WHERE document_id = {id}"),
        format!(
            "INSERT INTO document_lines (document_id, position, description, quantity, unit, unit_price, base_quantity,
                 vat_category, vat_rate, price_source, net_amount)
             VALUES ({id}, 9, 'x', '1', 'C62', '1', '1', 'S', '20', 'manual', '1.00')"
        ),
        "UPDATE journal SET payload = '{}' WHERE seq = 1".to_string(),
        "DELETE FROM journal".to_string(),
        "UPDATE series_counters SET last_seq = 0".to_string(),
        "DELETE FROM series_counters".to_string(),
        format!("UPDATE documents SET state = 'draft' WHERE id = {id}"),
    ];
    for sql in &statements {
        let error = refused(&conn, sql);
        assert!(
            error.contains("final")
                || error.contains("append-only")
                || error.contains("counter")
                || error.contains("never"),
            "{sql}: {error}"
        );
    }
    // A journal row out of sequence or off the chain is refused too.
    let error = refused(
        &conn,
        "INSERT INTO journal (seq, recorded_at, event, payload, prev_hash, hash) VALUES (99, 'now', 'issued', '{}', 'x', 'y')",
    );
    assert!(error.contains("sequence"), "{error}");
}

#[test]
fn drafts_stay_freely_editable() {
    let mut fixture = Fixture::new();
    let id = fixture.draft(&invoice_json("2026-01-05", &line("1", "100.00", "20"), ""));
    let conn = raw(&fixture);
    conn.execute_batch(&format!(
        "UPDATE documents SET note = 'edited' WHERE id = {id}"
    ))
    .expect("drafts can change");
    fixture.books.discard_draft(id).expect("discard");
}

#[test]
fn verify_reports_a_tampered_journal_row() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&invoice_json("2026-01-05", &line("1", "100.00", "20"), ""));
    fixture.issued(&invoice_json("2026-01-06", &line("1", "50.00", "20"), ""));
    let report = facturier::verify::verify(&mut fixture.books).expect("verify");
    assert!(
        report.is_clean(),
        "{:?}",
        report.problems().collect::<Vec<_>>()
    );
    assert_eq!(report.journal_rows, 2);

    // An attacker who drops the triggers can rewrite a row, but not its hash.
    let conn = raw(&fixture);
    conn.execute_batch(
        "DROP TRIGGER journal_no_update;
         UPDATE journal SET payload = replace(payload, '120.00', '12.00') WHERE seq = 1;",
    )
    .expect("tamper");
    let report = facturier::verify::verify(&mut fixture.books).expect("verify");
    let problems: Vec<&String> = report.problems().collect();
    assert!(
        problems
            .iter()
            .any(|problem| problem.contains("journal row 1") && problem.contains(&number)),
        "{problems:?}"
    );
}

#[test]
fn verify_reports_a_gap_and_a_changed_document() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let first = cli_issue(
        folder.path(),
        "a.json",
        &invoice_json("2026-01-05", &line("1", "1.00", "20"), ""),
    );
    let second = cli_issue(
        folder.path(),
        "b.json",
        &invoice_json("2026-01-06", &line("1", "2.00", "20"), ""),
    );
    let third = cli_issue(
        folder.path(),
        "c.json",
        &invoice_json("2026-01-07", &line("1", "3.00", "20"), ""),
    );
    assert_eq!(
        [first.as_str(), second.as_str(), third.as_str()],
        ["F2026-00001", "F2026-00002", "F2026-00003"]
    );

    let conn = Connection::open(data.join(facturier::store::DATABASE_FILE)).expect("raw");
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER documents_final_delete;
         DROP TRIGGER documents_final_update;
         DROP TRIGGER lines_final_delete;
         DROP TRIGGER lines_final_update;
         DELETE FROM document_lines WHERE document_id = (SELECT id FROM documents WHERE number = 'F2026-00002');
         DELETE FROM documents WHERE number = 'F2026-00002';
         UPDATE document_lines SET unit_price = '300.00'
             WHERE document_id = (SELECT id FROM documents WHERE number = 'F2026-00003');",
    )
    .expect("tamper");
    drop(conn);

    let output = run(&data, &["verify"]);
    assert!(
        !output.status.success(),
        "verify must fail on a broken file"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("numbers 2 to 2 are missing before F2026-00003"),
        "{stdout}"
    );
    assert!(
        stdout.contains("F2026-00003: its lines add up to 360.00"),
        "{stdout}"
    );
    assert!(
        stdout.contains("issue of F2026-00002, but no issued document"),
        "a journaled number with no document: {stdout}"
    );
}

#[test]
fn newer_schema_is_refused_without_writing() {
    let fixture = Fixture::new();
    let path = fixture.data_dir().join(facturier::store::DATABASE_FILE);
    let conn = Connection::open(&path).expect("raw");
    conn.pragma_update(None, "user_version", 99)
        .expect("set version");
    drop(conn);
    let before = std::fs::read(&path).expect("read");
    let error = match facturier::store::Store::open(&path) {
        Ok(_) => panic!("a newer schema must be refused"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("newer version"), "{error}");
    assert!(error.contains("99"), "{error}");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "the file is untouched"
    );
}

#[test]
fn verify_reports_a_stale_board_index() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&invoice_json("2026-01-05", &line("1", "100.00", "20"), ""));
    let report = facturier::verify::verify(&mut fixture.books).expect("verify");
    assert!(
        report.is_clean(),
        "{:?}",
        report.problems().collect::<Vec<_>>()
    );

    let conn = raw(&fixture);
    conn.execute_batch("UPDATE document_balances SET status = 'paid', due_minor = 0")
        .expect("change the index");
    let report = facturier::verify::verify(&mut fixture.books).expect("verify");
    let problems: Vec<&String> = report.problems().collect();
    assert!(
        problems
            .iter()
            .any(|problem| problem.contains(&number) && problem.contains("status board")),
        "{problems:?}"
    );
}

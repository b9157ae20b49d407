//! Crash safety: processes issuing invoices are killed (SIGKILL) at random
//! moments; the reopened file has no gap, no duplicate and no half-written
//! document.

use crate::common;

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{binary, cli_folder, invoice_json, line, ok, write_file};
use rusqlite::Connection;

/// xorshift64*: a small deterministic generator, so a failing run can be
/// replayed from the seed it prints.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, limit: u64) -> u64 {
        self.next() % limit
    }
}

#[test]
fn killed_issuers_leave_no_gap_and_no_half_written_invoice() {
    let seed = std::env::var("FACTURIER_CRASH_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    println!("crash test seed: {seed} (set FACTURIER_CRASH_SEED to replay)");
    let mut random = Random(seed);

    let folder = cli_folder();
    let data = folder.path().join("data");
    let lines = [line("2", "19.99", "20"), line("1", "5.50", "5.5")].join(",");
    let draft = write_file(
        folder.path(),
        "draft.json",
        &invoice_json("2026-02-02", &lines, ""),
    );

    // Calibrate the kill window on this machine: the time a whole issuing
    // process takes, so that kills land before, during and after the
    // transaction.
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let id = ok(&data, &["invoice", "create", "--json", &draft]);
        ok(&data, &["invoice", "issue", &id]);
    }
    let window = (started.elapsed().as_micros() as u64 / 3).max(1_000);

    let rounds = 80;
    let mut killed = 0;
    for _ in 0..rounds {
        // Creating a draft may be killed too; a killed create leaves nothing.
        let create = Command::new(binary())
            .args(["--data-dir"])
            .arg(&data)
            .args(["invoice", "create", "--json", &draft])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn create");
        let output = create.wait_with_output().expect("create");
        let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if id.is_empty() {
            continue;
        }
        let mut issue = Command::new(binary())
            .arg("--data-dir")
            .arg(&data)
            .args(["invoice", "issue", &id])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn issue");
        thread::sleep(Duration::from_micros(random.below(window)));
        if issue.try_wait().expect("poll").is_none() {
            issue.kill().expect("SIGKILL");
            killed += 1;
        }
        issue.wait().expect("reap");
    }
    println!("{killed} of {rounds} issuing processes were killed before they finished");

    // Reopen and check: integrity, the journal chain and the series.
    let verify = ok(&data, &["verify"]);
    assert!(verify.contains("no problem found"), "{verify}");

    let conn = Connection::open(data.join(facturier::store::DATABASE_FILE)).expect("open");
    let seqs: Vec<i64> = conn
        .prepare("SELECT seq FROM documents WHERE state = 'issued' ORDER BY seq")
        .expect("prepare")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(
        seqs, expected,
        "issued numbers are 1..n with no gap or duplicate"
    );
    let counter: Option<i64> = conn
        .query_row("SELECT last_seq FROM series_counters", [], |row| row.get(0))
        .ok();
    assert_eq!(
        counter.unwrap_or(0),
        seqs.len() as i64,
        "the counter matches the issued numbers"
    );

    let incomplete: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM documents d
             WHERE (SELECT COUNT(*) FROM document_lines l WHERE l.document_id = d.id) <> 2
                OR (d.state = 'issued' AND (d.number IS NULL OR d.content_sha256 IS NULL
                    OR NOT EXISTS (SELECT 1 FROM journal j WHERE j.document_id = d.id AND j.event = 'issued')))",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(incomplete, 0, "every document is whole");
    let journaled: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM journal WHERE event = 'issued'",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(
        journaled,
        seqs.len() as i64,
        "one journal row per issued invoice"
    );
}

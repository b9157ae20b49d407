//! Due dates from payment terms, and calendar dates that no time zone or
//! repeated saving can shift.

use crate::common;

use common::{cli_folder, invoice_json, json, line, ok, run_with_env, write_file};

#[test]
fn due_dates_follow_each_payment_term() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let cases = [
        (
            r#"{"type": "end_of_month", "months": 1}"#,
            "2020-06-11",
            "2020-07-31",
        ),
        (
            r#"{"type": "end_of_month", "months": 1}"#,
            "2024-01-31",
            "2024-02-29",
        ),
        (
            r#"{"type": "end_of_month", "months": 1}"#,
            "2025-02-15",
            "2025-03-31",
        ),
        (
            r#"{"type": "days_then_end_of_month", "days": 45}"#,
            "2021-09-13",
            "2021-10-31",
        ),
        (
            r#"{"type": "end_of_month_then_days", "days": 45}"#,
            "2021-09-13",
            "2021-11-14",
        ),
        (r#"{"type": "net", "days": 30}"#, "2024-01-31", "2024-03-01"),
    ];
    // Issue dates rise within the series, so issue the cases in date order.
    let mut ordered = cases.to_vec();
    ordered.sort_by_key(|(_, issue, _)| *issue);
    for (index, (terms, issue, expected)) in ordered.into_iter().enumerate() {
        let extra = format!(r#", "payment_terms": {terms}"#);
        let path = write_file(
            folder.path(),
            &format!("terms{index}.json"),
            &invoice_json(issue, &line("1", "10.00", "20"), &extra),
        );
        let id = ok(&data, &["invoice", "create", "--json", &path]);
        let number = ok(&data, &["invoice", "issue", &id]);
        let shown = json(&data, &["invoice", "show", &number, "--json"]);
        assert_eq!(shown["due_date"], expected, "{terms} from {issue}");
        assert_eq!(shown["issue_date"], issue);
    }
}

/// Runs one scenario under a time zone: create, save five times, issue.
fn issue_under_zone(zone: &str) -> (String, serde_json::Value) {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let path = write_file(
        folder.path(),
        "draft.json",
        &invoice_json("2024-06-27", &line("1", "10.00", "20"), ""),
    );
    let env = [("TZ", zone)];
    let run = |args: &[&str]| {
        let output = run_with_env(&data, args, &env);
        assert!(
            output.status.success(),
            "{args:?} under {zone}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    let id = run(&["invoice", "create", "--json", &path]);
    for _ in 0..5 {
        run(&["invoice", "update", &id, "--json", &path]);
    }
    let draft: serde_json::Value =
        serde_json::from_str(&run(&["invoice", "show", &id, "--json"])).expect("json");
    assert_eq!(
        draft["issue_date"], "2024-06-27",
        "draft date after five saves under {zone}"
    );
    let number = run(&["invoice", "issue", &id]);
    let shown_here: serde_json::Value =
        serde_json::from_str(&run(&["invoice", "show", &number, "--json"])).expect("json");
    // Reopen the same file under a zone on the other side of the world.
    let output = run_with_env(
        &data,
        &["invoice", "show", &number, "--json"],
        &[("TZ", "Pacific/Auckland")],
    );
    let shown_there: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        shown_here, shown_there,
        "the same invoice reads the same under another zone"
    );
    (number, shown_there)
}

#[test]
fn dates_do_not_move_with_time_zones_or_saves() {
    for zone in [
        "Europe/Paris",
        "America/Los_Angeles",
        "Pacific/Auckland",
        "UTC",
    ] {
        let (_, shown) = issue_under_zone(zone);
        assert_eq!(shown["issue_date"], "2024-06-27", "under {zone}");
        assert_eq!(shown["due_date"], "2024-07-27", "under {zone}");
    }
}

#[test]
fn issue_without_date_takes_the_local_calendar_day() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let draft = r#"{"customer": {"name": "Atelier Lenoir SARL", "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
                    "lines": [{"description": "Audit", "quantity": "1", "unit_price": "10.00", "vat": {"category": "S", "rate": "20"}}]}"#;
    let path = write_file(folder.path(), "undated.json", draft);
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        let env = [("TZ", zone)];
        let id_output = run_with_env(&data, &["invoice", "create", "--json", &path], &env);
        let id = String::from_utf8_lossy(&id_output.stdout)
            .trim()
            .to_string();
        let expected = chrono::Utc::now()
            .with_timezone(&zone_offset(zone))
            .date_naive()
            .to_string();
        let issued = run_with_env(&data, &["invoice", "issue", &id], &env);
        // The two zones are 25 hours apart, so they can disagree on the
        // date; a rejection for going backwards is the series rule at work.
        if !issued.status.success() {
            let error = String::from_utf8_lossy(&issued.stderr);
            assert!(error.contains("before"), "{error}");
            continue;
        }
        let number = String::from_utf8_lossy(&issued.stdout).trim().to_string();
        let shown = json(&data, &["invoice", "show", &number, "--json"]);
        assert_eq!(shown["issue_date"], expected.as_str(), "under {zone}");
    }
}

/// Fixed offsets of the two zones used above (neither observes daylight
/// saving time).
fn zone_offset(zone: &str) -> chrono::FixedOffset {
    let hours = match zone {
        "Pacific/Kiritimati" => 14,
        _ => -11,
    };
    chrono::FixedOffset::east_opt(hours * 3600).expect("offset")
}

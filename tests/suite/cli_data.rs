//! The data commands of the real binary: import, export, backup, restore,
//! demo, and the message a second process gets.

// A failed unwrap fails the test, which is what a test should do.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use facturier::books::Books;

fn facturier(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facturier"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const COMPANY: &str = r#"{"name": "Atelier Facturier SAS", "legal_form": "SAS", "share_capital": "10 000 €", "siren": "732829320", "rcs": "RCS Lyon 732 829 320", "vat_id": "FR44732829320",
 "address": {"line1": "12 quai Saint-Antoine", "postcode": "69002", "city": "Lyon", "country": "FR"}, "iban": "FR7630006000011234567890189"}"#;

fn set_company(dir: &Path, data: &Path) {
    let file = dir.join("company.json");
    std::fs::write(&file, COMPANY).unwrap();
    let output = facturier(data, &["company", "set", "--json", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
}

fn product_count(data: &Path) -> usize {
    Books::open(data).unwrap().products("", true).unwrap().len()
}

#[test]
fn import_rejects_invalid_rows_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("products.csv");
    std::fs::write(
        &file,
        "Référence;Désignation;Prix HT;TVA\nP1;Vis;0,10;20\nP2;Écrou;dix;20\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let refused = facturier(&data, &["import", "products", path]);
    assert!(!refused.status.success());
    assert!(
        stdout(&refused).contains("line 3, column \"Prix HT\""),
        "{}",
        stdout(&refused)
    );
    assert!(
        stderr(&refused).contains("nothing was imported"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("--skip-invalid"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(product_count(&data), 0);

    let dry = facturier(
        &data,
        &["import", "products", path, "--dry-run", "--skip-invalid"],
    );
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("Dry run"), "{}", stdout(&dry));
    assert_eq!(product_count(&data), 0);

    let skipped = facturier(
        &data,
        &[
            "import",
            "products",
            path,
            "--skip-invalid",
            "--price-list",
            "Public",
        ],
    );
    assert!(skipped.status.success(), "{}", stderr(&skipped));
    assert!(
        stdout(&skipped).contains("1 created"),
        "{}",
        stdout(&skipped)
    );
    assert!(
        stdout(&skipped).contains("1 row(s) skipped"),
        "{}",
        stdout(&skipped)
    );
    assert_eq!(product_count(&data), 1);
}

#[test]
fn import_takes_a_header_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("products.csv");
    std::fs::write(&file, "Artikel,Text,Netto,Satz\nX1,Schraube,1.50,19\n").unwrap();
    let output = facturier(
        &data,
        &[
            "import",
            "products",
            file.to_str().unwrap(),
            "--map",
            "Artikel=code",
            "--map",
            "Text=name",
            "--map",
            "Netto=price",
            "--map",
            "Satz=vat_rate",
        ],
    );
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(product_count(&data), 1);
    let bad = facturier(
        &data,
        &[
            "import",
            "products",
            file.to_str().unwrap(),
            "--map",
            "Artikel=colour",
        ],
    );
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("\"colour\" is not a column name"),
        "{}",
        stderr(&bad)
    );
    // A forced separator splits the header differently, so no column maps.
    let forced = facturier(
        &data,
        &[
            "import",
            "products",
            file.to_str().unwrap(),
            "--separator",
            ";",
            "--dry-run",
        ],
    );
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(
        stdout(&forced).contains("separator ';'"),
        "{}",
        stdout(&forced)
    );
    assert!(
        stdout(&forced).contains("no column is mapped to code, name"),
        "{}",
        stdout(&forced)
    );
    let invalid = facturier(
        &data,
        &[
            "import",
            "products",
            file.to_str().unwrap(),
            "--separator",
            ";;",
        ],
    );
    assert!(
        stderr(&invalid).contains("give one ASCII character"),
        "{}",
        stderr(&invalid)
    );
}

#[test]
fn import_takes_columns_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("products.csv");
    std::fs::write(&file, "a,b,c,d\nX1,Schraube,Rot,19\n").unwrap();
    let path = file.to_str().unwrap();
    let output = facturier(
        &data,
        &[
            "import",
            "products",
            path,
            "--columns",
            "code,name,,vat_rate",
        ],
    );
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("column \"c\" ignored"),
        "{}",
        stdout(&output)
    );
    assert_eq!(product_count(&data), 1);

    let unknown = facturier(
        &data,
        &["import", "products", path, "--columns", "code,colour"],
    );
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("\"colour\" (column 2) is not a column name"),
        "{}",
        stderr(&unknown)
    );
    let short = facturier(
        &data,
        &[
            "import",
            "products",
            path,
            "--columns",
            "code,name",
            "--dry-run",
        ],
    );
    assert!(
        stdout(&short).contains("the mapping gives 2 column(s) but the file has 4"),
        "{}",
        stdout(&short)
    );
}

#[test]
fn export_writes_csv_and_needs_a_period() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let customers = dir.path().join("customers.csv");
    std::fs::write(
        &customers,
        "name,address,city,country\n\"Müller, Schmidt & Co. \"\"Nord\"\" KG\",Weg 1,Hamburg,DE\n",
    )
    .unwrap();
    let output = facturier(&data, &["import", "customers", customers.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    let out = dir.path().join("out.csv");
    let output = facturier(&data, &["export", "customers", "-o", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("name,siren,siret,vat_id,"), "{text}");
    assert!(
        text.contains("\"Müller, Schmidt & Co. \"\"Nord\"\" KG\""),
        "{text}"
    );

    let output = facturier(&data, &["export", "invoices", "-o", out.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--from"), "{}", stderr(&output));
    let output = facturier(
        &data,
        &[
            "export",
            "vat",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "month,currency,vat_category,vat_rate,taxable_amount,tax_amount\n"
    );
    let output = facturier(
        &data,
        &[
            "export",
            "customers",
            "--french",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("name;siren;siret;vat_id;"), "{text}");
    assert!(
        text.contains("\n\"Müller, Schmidt & Co. \"\"Nord\"\" KG\";"),
        "{text}"
    );
}

#[test]
fn restore_shows_the_backup_and_needs_yes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    set_company(dir.path(), &data);
    let saved = dir.path().join("saved.sqlite3");
    let output = facturier(&data, &["backup", saved.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("company: Atelier Facturier SAS"),
        "{}",
        stdout(&output)
    );

    let customers = dir.path().join("customers.csv");
    std::fs::write(&customers, "name,country\nNouveau client,FR\n").unwrap();
    assert!(
        facturier(&data, &["import", "customers", customers.to_str().unwrap()])
            .status
            .success()
    );

    let shown = facturier(&data, &["restore", saved.to_str().unwrap()]);
    assert!(!shown.status.success());
    let text = stdout(&shown);
    assert!(text.contains("company: Atelier Facturier SAS"), "{text}");
    assert!(text.contains("documents: 0"), "{text}");
    assert!(text.contains("last invoice: none"), "{text}");
    assert!(stderr(&shown).contains("--yes"), "{}", stderr(&shown));
    assert_eq!(
        Books::open(&data)
            .unwrap()
            .customers("", true)
            .unwrap()
            .len(),
        1
    );

    let restored = facturier(&data, &["restore", saved.to_str().unwrap(), "--yes"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(
        stdout(&restored).contains("kept as"),
        "{}",
        stdout(&restored)
    );
    assert_eq!(
        Books::open(&data)
            .unwrap()
            .customers("", true)
            .unwrap()
            .len(),
        0
    );
    let aside = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(|entry| entry.ok())
        .find(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("facturier-before-restore-")
        })
        .expect("the replaced database is kept aside");
    assert_eq!(
        facturier::backup::describe(&aside.path())
            .unwrap()
            .company
            .as_deref(),
        Some("Atelier Facturier SAS")
    );
}

#[test]
fn damaged_database_message_names_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    set_company(dir.path(), &data);
    let good = {
        let mut books = Books::open(&data).unwrap();
        facturier::backup::automatic_backup(books.store(), &data)
            .unwrap()
            .path
    };
    let database = data.join(facturier::store::DATABASE_FILE);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
    }
    std::fs::write(&database, b"garbage").unwrap();

    let output = facturier(&data, &["board"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("cannot be opened"), "{message}");
    assert!(message.contains(&good.display().to_string()), "{message}");
    assert_eq!(std::fs::read(&database).unwrap(), b"garbage");

    let restored = facturier(&data, &["restore", good.to_str().unwrap(), "--yes"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let board = facturier(&data, &["board"]);
    assert!(board.status.success(), "{}", stderr(&board));
}

#[test]
fn second_instance_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = Books::open_exclusive(&data).unwrap();
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, "name,country\nClient,FR\n").unwrap();

    for args in [
        vec!["import", "customers", file.to_str().unwrap()],
        vec!["demo"],
        vec!["restore", "missing.sqlite3", "--yes"],
    ] {
        let output = facturier(&data, &args);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr(&output).contains("Facturier is already open on this data folder"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // Short commands still run while the app is open.
    let board = facturier(&data, &["board"]);
    assert!(board.status.success(), "{}", stderr(&board));
    drop(app);
    let output = facturier(&data, &["import", "customers", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn short_commands_run_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    // The folder does not exist yet, so the processes also race to create
    // and check the database.
    let data = dir.path().join("data");
    let children: Vec<_> = (0..6)
        .map(|index| {
            let file = dir.path().join(format!("customer{index}.json"));
            std::fs::write(
                &file,
                format!(r#"{{"name": "Client {index}", "address": {{"line1": "1 rue", "city": "Lyon", "country": "FR"}}}}"#),
            )
            .unwrap();
            Command::new(env!("CARGO_BIN_EXE_facturier"))
                .arg("--data-dir")
                .arg(&data)
                .args(["customer", "add", "--json", file.to_str().unwrap()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert_eq!(
        Books::open(&data)
            .unwrap()
            .customers("", true)
            .unwrap()
            .len(),
        6
    );
}

#[test]
fn demo_needs_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    set_company(dir.path(), &data);
    let output = facturier(&data, &["demo"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("empty data folder"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn lines_export_imports_back_through_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let run = |data: &str, args: &[&str]| {
        let output = facturier(Path::new(data), args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    };
    let (source, target) = (path("source"), path("target"));
    set_company(dir.path(), Path::new(&source));
    set_company(dir.path(), Path::new(&target));
    std::fs::write(
        path("customers.csv"),
        "name,address,city,country,payment_terms,delivery_address_line1,delivery_city,delivery_country\n\
         Nordlicht SARL,2 quai Sud,Lyon,FR,net:15,1 quai Nord,Marseille,FR\n",
    )
    .unwrap();
    std::fs::write(
        path("documents.csv"),
        "document,customer,issue_date,status,description,quantity,unit_price,vat_rate,payment_terms,due_date,buyer_reference,line_delivery_date\n\
         A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,end_of_month_then_days:10,2026-06-10,ACH-7,2026-05-02\n\
         A,Nordlicht SARL,2026-05-10,issued,Pose,2,45.5,20,end_of_month_then_days:10,2026-06-10,ACH-7,\n",
    )
    .unwrap();
    run(&source, &["import", "customers", &path("customers.csv")]);
    run(&source, &["import", "documents", &path("documents.csv")]);
    let period = ["--from", "2026-01-01", "--to", "2026-12-31"];
    let export = |data: &str, kind: &str, file: &str| {
        let mut args = vec!["export", kind];
        if kind == "lines" {
            args.extend(period);
        }
        args.extend(["-o", file]);
        run(data, &args);
        std::fs::read(file).unwrap()
    };
    let customers = export(&source, "customers", &path("out-customers.csv"));
    let lines = export(&source, "lines", &path("out-lines.csv"));
    let text = String::from_utf8(lines.clone()).unwrap();
    assert!(
        text.contains(",end_of_month_then_days:10,2026-06-10,ACH-7,,2026-05-02\n"),
        "{text}"
    );

    run(
        &target,
        &["import", "customers", &path("out-customers.csv")],
    );
    run(&target, &["import", "documents", &path("out-lines.csv")]);
    assert_eq!(
        export(&target, "customers", &path("again-customers.csv")),
        customers
    );
    assert_eq!(export(&target, "lines", &path("again-lines.csv")), lines);
}

#[test]
fn closed_pipe_stops_listing_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = facturier(&data, &["demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    // The demo's list is longer than a Linux pipe's buffer (64 KiB), so the
    // command is still writing when its reader goes, as with `| head -1`.
    let full = facturier(&data, &["invoice", "list"]);
    assert!(full.stdout.len() > 65_536, "{} bytes", full.stdout.len());
    let mut child = Command::new(env!("CARGO_BIN_EXE_facturier"))
        .arg("--data-dir")
        .arg(&data)
        .args(["invoice", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    drop(reader);
    let output = child.wait_with_output().unwrap();
    assert!(!first.is_empty());
    assert_eq!(output.status.code(), Some(141), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

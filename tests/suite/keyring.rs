//! The SMTP password in a real Secret Service: a private D-Bus session bus
//! and GNOME Keyring, which the test starts and stops, with the
//! `facturier` command line storing and reading the password the way the
//! app does.
//!
//! Needs `dbus-daemon` (package dbus), `gnome-keyring-daemon`
//! (gnome-keyring) and `secret-tool` (libsecret-tools).
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use facturier::document::DocumentKind;
use facturier::email::{PASSWORD_VARIABLE, Security};
use tempfile::TempDir;

use crate::pdf_common::{books, draft};
use crate::pdf_email::SmtpServer;

/// Password of the test's login keyring, which encrypts the keyring file.
const KEYRING_PASSWORD: &str = "keyring-unlock-password";

/// The SMTP password. Its bytes are distinctive, so that a search for them
/// in the data folder cannot match anything else.
const SMTP_PASSWORD: &str = "smtp-Ωmega-7f3a9c41-pass";

/// How long the daemons may take to come up on a loaded machine.
const START_LIMIT: Duration = Duration::from_secs(20);

const INVOICE: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL", "email": "compta@lenoir.example",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02",
    "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
               "vat": {"category": "S", "rate": "20"}}]
}"#;

/// A child process that is killed and reaped when dropped, so that a
/// failing test leaves no daemon behind.
struct Daemon {
    name: &'static str,
    child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Err(error) = self.child.kill() {
            eprintln!("{} was not killed: {error}", self.name);
        }
        let _ = self.child.wait();
    }
}

/// A private D-Bus session bus and a GNOME Keyring serving the Secret
/// Service on it, with their home, data and runtime folders in `folder`.
struct SecretService {
    folder: TempDir,
    address: String,
    // Dropped before the bus, in field order.
    keyring: Option<Daemon>,
    _bus: Daemon,
}

impl SecretService {
    fn start() -> SecretService {
        let folder = tempfile::tempdir().unwrap();
        for name in ["home", "runtime"] {
            std::fs::create_dir(folder.path().join(name)).unwrap();
        }
        set_private(&folder.path().join("runtime"));
        let socket = folder.path().join("bus");
        // A configuration of its own, without service directories, so that
        // the bus never starts a keyring daemon that the test does not own.
        let config = folder.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .unwrap();
        let bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("dbus-daemon could not be started ({error}): apt-get install dbus")
            });
        let mut bus = Daemon {
            name: "dbus-daemon",
            child: bus,
        };
        let mut address = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(bus.child.stdout.take().unwrap()),
            &mut address,
        )
        .unwrap();
        let address = address.trim().to_string();
        assert!(
            address.starts_with("unix:path="),
            "dbus-daemon printed no bus address: {address:?}"
        );
        let mut service = SecretService {
            folder,
            address,
            keyring: None,
            _bus: bus,
        };
        service.start_keyring();
        service
    }

    /// Starts GNOME Keyring on the bus, unlocking (or first creating) the
    /// login keyring with `KEYRING_PASSWORD` read from standard input, and
    /// waits until it owns the Secret Service name.
    fn start_keyring(&mut self) {
        let mut command = Command::new("gnome-keyring-daemon");
        command
            .args(["--unlock", "--components=secrets", "--foreground"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        self.environment(&mut command);
        let child = command.spawn().unwrap_or_else(|error| {
            panic!(
                "gnome-keyring-daemon could not be started ({error}): apt-get install gnome-keyring"
            )
        });
        let mut daemon = Daemon {
            name: "gnome-keyring-daemon",
            child,
        };
        let mut stdin = daemon.child.stdin.take().unwrap();
        stdin.write_all(KEYRING_PASSWORD.as_bytes()).unwrap();
        drop(stdin);
        self.keyring = Some(daemon);
        let start = Instant::now();
        while !self.secret_service_running() {
            if let Some(status) = self
                .keyring
                .as_mut()
                .and_then(|daemon| daemon.child.try_wait().unwrap())
            {
                panic!(
                    "gnome-keyring-daemon exited with {status} before serving the Secret Service"
                );
            }
            assert!(
                start.elapsed() < START_LIMIT,
                "gnome-keyring-daemon did not serve the Secret Service within {START_LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop_keyring(&mut self) {
        drop(self.keyring.take());
    }

    /// Asks the bus whether some process owns org.freedesktop.secrets.
    fn secret_service_running(&self) -> bool {
        let mut command = Command::new("dbus-send");
        command.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ]);
        self.environment(&mut command);
        let output = command.output().unwrap();
        String::from_utf8_lossy(&output.stdout).contains("boolean true")
    }

    /// Points a command at the private bus and the test's folders, and
    /// clears the variable that would bypass the keyring.
    fn environment(&self, command: &mut Command) {
        let home = self.folder.path().join("home");
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_RUNTIME_DIR", self.folder.path().join("runtime"))
            .env_remove(PASSWORD_VARIABLE);
    }

    /// Looks the SMTP password up in the Secret Service with libsecret's
    /// `secret-tool`, by the attributes the `keyring` crate stores.
    fn lookup(&self, account: &str) -> Output {
        let mut command = Command::new("secret-tool");
        command.args(["lookup", "service", "facturier-smtp", "username", account]);
        self.environment(&mut command);
        command.output().unwrap_or_else(|error| {
            panic!("secret-tool could not be run ({error}): apt-get install libsecret-tools")
        })
    }

    /// Runs `facturier --data-dir DIR ARGUMENTS` on the private bus, with
    /// `input` on its standard input.
    fn facturier(&self, data_dir: &Path, arguments: &[&str], input: &str) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_facturier"));
        command
            .arg("--data-dir")
            .arg(data_dir)
            .args(arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.environment(&mut command);
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

#[cfg(unix)]
fn set_private(folder: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).unwrap();
}

fn assert_success(output: &Output, step: &str) {
    assert!(
        output.status.success(),
        "{step} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Lists every file under `folder`, at any depth.
fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn smtp_password_lives_in_secret_service() {
    let mut service = SecretService::start();
    let server = SmtpServer::start(&["--password", SMTP_PASSWORD]);
    let (dir, mut books) = books();
    let settings = server.settings("sender", Security::None);
    books.set_smtp_settings(&settings).unwrap();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    drop(books);
    // The keyring account of an SMTP login: "user@host".
    let account = "sender@127.0.0.1";
    let send = ["email", number.as_str(), "--to", "compta@lenoir.example"];

    let before = service.facturier(dir.path(), &send, "");
    assert!(!before.status.success(), "sent without a stored password");
    let error = String::from_utf8_lossy(&before.stderr);
    assert!(error.contains("no SMTP password is stored"), "{error}");
    assert!(!service.lookup(account).status.success());

    let stored = service.facturier(
        dir.path(),
        &["smtp", "password"],
        &format!("{SMTP_PASSWORD}\n"),
    );
    assert_success(&stored, "facturier smtp password");

    let found = service.lookup(account);
    assert_success(&found, "secret-tool lookup");
    assert_eq!(String::from_utf8_lossy(&found.stdout), SMTP_PASSWORD);

    let files = files_under(dir.path());
    let database = dir.path().join(facturier::store::DATABASE_FILE);
    assert!(files.contains(&database), "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !contains(&bytes, SMTP_PASSWORD.as_bytes()),
            "the SMTP password is written in {}",
            file.display()
        );
    }

    // A new keyring daemon reads the login keyring back from its file, so
    // the password outlives the process that stored it.
    service.stop_keyring();
    service.start_keyring();
    let found_again = service.lookup(account);
    assert_success(&found_again, "secret-tool lookup after a restart");
    assert_eq!(String::from_utf8_lossy(&found_again.stdout), SMTP_PASSWORD);

    let sent = service.facturier(dir.path(), &send, "");
    assert_success(&sent, "facturier email");
    assert_eq!(server.received_count(), 1);
}

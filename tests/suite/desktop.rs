//! Handing files to the desktop through the real `xdg-open` (Debian package
//! xdg-utils), with the file type associations in a private XDG folder.
//! The "viewer" is a shell script that records the file it was given and
//! stays open until the test releases it, as a PDF viewer stays open until
//! the user closes it. Printing goes through a private CUPS server (Debian
//! packages cups and cups-client) whose printer's device is a file.

// The helpers unwrap too: a failed unwrap fails the test that called them.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use facturier::desktop::{Printed, opener_command, print_with, start_opener, write_temporary};
use tempfile::TempDir;

/// Desktop session variables that make `xdg-open` hand the file to a desktop
/// environment's own opener instead of the generic XDG association.
const SESSION_VARIABLES: [&str; 7] = [
    "XDG_CURRENT_DESKTOP",
    "XDG_SESSION_DESKTOP",
    "DESKTOP_SESSION",
    "KDE_FULL_SESSION",
    "GNOME_DESKTOP_SESSION_ID",
    "WAYLAND_DISPLAY",
    "BROWSER",
];

/// A private XDG configuration: `config/mimeapps.list` and
/// `data/applications/*.desktop`, with nothing from the system.
struct PrivateDesktop {
    root: TempDir,
}

impl PrivateDesktop {
    fn new() -> PrivateDesktop {
        let root = tempfile::tempdir().unwrap();
        for folder in ["config", "data/applications", "system"] {
            std::fs::create_dir_all(root.path().join(folder)).unwrap();
        }
        PrivateDesktop { root }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// Associates `mime_type` with a desktop entry that runs `program`.
    fn associate(&self, mime_type: &str, program: &Path) {
        let entry = format!(
            "[Desktop Entry]\nType=Application\nName=Test viewer\nExec={} %f\nMimeType={mime_type};\n",
            program.display()
        );
        std::fs::write(self.path("data/applications/test-viewer.desktop"), entry).unwrap();
        std::fs::write(
            self.path("config/mimeapps.list"),
            format!("[Default Applications]\n{mime_type}=test-viewer.desktop\n"),
        )
        .unwrap();
    }

    /// Returns the opener command for `file`, run in this private desktop.
    /// `xdg-open` only checks that DISPLAY is set before it looks up the
    /// associations, and the test viewer never connects to it.
    fn opener(&self, file: &Path) -> Command {
        let mut command = opener_command(file);
        for variable in SESSION_VARIABLES {
            command.env_remove(variable);
        }
        command
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_DATA_DIRS", self.path("system"))
            .env("HOME", self.root.path())
            .env("DISPLAY", ":0");
        command
    }

    /// Writes a viewer script that records its argument in `opened`, waits
    /// until the file `release` exists (at most 30 s), then writes `closed`.
    fn viewer(&self) -> PathBuf {
        let script = self.path("viewer.sh");
        let opened = self.path("opened");
        let release = self.path("release");
        let closed = self.path("closed");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s' \"$1\" > '{}'\ni=0\nwhile [ ! -e '{}' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done\ntouch '{}'\n",
                opened.display(),
                release.display(),
                closed.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        script
    }
}

/// Waits up to 20 s for `path` to exist.
fn wait_for_file(path: &Path) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn opener_returns_while_viewer_open() {
    let desktop = PrivateDesktop::new();
    let viewer = desktop.viewer();
    desktop.associate("application/pdf", &viewer);
    let pdf = desktop.path("F2026-00001.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();

    let result = start_opener(desktop.opener(&pdf), &pdf);

    assert_eq!(result, Ok(()));
    assert!(
        !desktop.path("closed").exists(),
        "start_opener returned only after the viewer closed"
    );
    assert!(
        wait_for_file(&desktop.path("opened")),
        "the associated viewer never started"
    );
    let opened = std::fs::read_to_string(desktop.path("opened")).unwrap();
    assert_eq!(opened, pdf.display().to_string());
    std::fs::write(desktop.path("release"), b"").unwrap();
    assert!(
        wait_for_file(&desktop.path("closed")),
        "the viewer did not close after its release"
    );
}

#[test]
fn opener_without_association_fails() {
    let desktop = PrivateDesktop::new();
    let pdf = desktop.path("F2026-00002.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    let mut command = desktop.opener(&pdf);
    // xdg-open's last resort is a web browser: `false` makes that fail too.
    command.env("BROWSER", "false");

    let error = start_opener(command, &pdf).unwrap_err();

    assert!(error.contains("xdg-open could not open"), "{error}");
    assert!(error.contains(&pdf.display().to_string()), "{error}");
}

#[test]
fn opener_missing_program_fails() {
    let pdf = Path::new("/nonexistent/F2026-00003.pdf");
    let command = Command::new("/nonexistent/opener");

    let error = start_opener(command, pdf).unwrap_err();

    assert!(
        error.contains("no desktop application could be started"),
        "{error}"
    );
    assert!(error.contains("F2026-00003.pdf"), "{error}");
}

#[test]
fn temporary_files_never_shared() {
    let first = write_temporary("F2026/00004", "pdf", b"first").unwrap();
    let second = write_temporary("F2026/00004", "pdf", b"second").unwrap();

    assert_ne!(first, second);
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("facturier-F2026_00004-"), "{name}");
    assert_eq!(std::fs::read(&first).unwrap(), b"first");
    assert_eq!(std::fs::read(&second).unwrap(), b"second");
    std::fs::remove_file(first).unwrap();
    std::fs::remove_file(second).unwrap();
}

/// A private CUPS scheduler (`cupsd`) listening on a socket in a temporary
/// folder, with a default printer named "facturier-test" whose device, a
/// small backend script, writes each job's document to `printed.pdf`. The
/// queue is raw, so the device receives the bytes that were printed.
struct PrivateCups {
    root: TempDir,
    scheduler: std::process::Child,
}

impl PrivateCups {
    fn start() -> PrivateCups {
        let root = tempfile::tempdir().unwrap();
        let path = |name: &str| root.path().join(name);
        for folder in [
            "etc",
            "spool",
            "cache",
            "state",
            "log",
            "out",
            "bin/backend",
        ] {
            std::fs::create_dir_all(path(folder)).unwrap();
        }
        // The backend runs as the scheduler's unprivileged user.
        for folder in [root.path().to_path_buf(), path("out")] {
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        for folder in ["filter", "daemon", "cgi-bin", "notifier", "monitor"] {
            std::os::unix::fs::symlink(
                format!("/usr/lib/cups/{folder}"),
                path(&format!("bin/{folder}")),
            )
            .unwrap();
        }

        let backend = path("bin/backend/capture");
        std::fs::write(
            &backend,
            "#!/bin/sh\n\
             if [ $# -eq 0 ]; then echo 'direct capture \"Unknown\" \"Test capture\"'; exit 0; fi\n\
             out=${DEVICE_URI#capture:}\n\
             if [ -n \"$6\" ]; then cat \"$6\" > \"$out\"; else cat > \"$out\"; fi\n",
        )
        .unwrap();
        std::fs::set_permissions(&backend, std::fs::Permissions::from_mode(0o755)).unwrap();

        let socket = path("cups.sock");
        std::fs::write(
            path("etc/cupsd.conf"),
            format!(
                "Listen {}\nLogLevel warn\nWebInterface No\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n</Policy>\n",
                socket.display()
            ),
        )
        .unwrap();

        let root_path = root.path().display().to_string();
        std::fs::write(
            path("etc/cups-files.conf"),
            format!(
                "ServerRoot {root_path}/etc\nServerBin {root_path}/bin\nRequestRoot {root_path}/spool\n\
                 CacheDir {root_path}/cache\nStateDir {root_path}/state\n\
                 ErrorLog {root_path}/log/error_log\nAccessLog {root_path}/log/access_log\n\
                 PageLog {root_path}/log/page_log\n"
            ),
        )
        .unwrap();

        let scheduler = Command::new("/usr/sbin/cupsd")
            .arg("-f")
            .arg("-c")
            .arg(path("etc/cupsd.conf"))
            .arg("-s")
            .arg(path("etc/cups-files.conf"))
            .spawn()
            .expect("cupsd starts (Debian package cups)");

        let cups = PrivateCups { root, scheduler };
        assert!(wait_for_file(&socket), "cupsd never opened its socket");
        let device = format!("capture:{}", cups.printed().display());
        cups.admin(&["-p", "facturier-test", "-E", "-v", &device, "-m", "raw"]);
        cups.admin(&["-d", "facturier-test"]);
        cups
    }

    fn socket(&self) -> PathBuf {
        self.root.path().join("cups.sock")
    }

    fn printed(&self) -> PathBuf {
        self.root.path().join("out/printed.pdf")
    }

    fn admin(&self, arguments: &[&str]) {
        let output = Command::new("lpadmin")
            .env("CUPS_SERVER", self.socket())
            .args(arguments)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "lpadmin {arguments:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PrivateCups {
    fn drop(&mut self) {
        let _ = self.scheduler.kill();
        let _ = self.scheduler.wait();
    }
}

#[test]
fn print_sends_pdf_to_default_printer() {
    let cups = PrivateCups::start();
    let desktop = PrivateDesktop::new();
    let pdf = desktop.path("F2026-00005.pdf");
    let bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    std::fs::write(&pdf, &bytes).unwrap();
    let socket = cups.socket();

    let printed = print_with(
        &pdf,
        "F2026-00005",
        &[("CUPS_SERVER", socket.as_os_str())],
        desktop.opener(&pdf),
    )
    .unwrap();

    let Printed::Sent { printer, job } = printed else {
        panic!("expected a printer job, got {printed:?}");
    };
    assert_eq!(printer, "facturier-test");
    assert!(job.starts_with("facturier-test-"), "{job}");
    assert!(
        wait_for_file(&cups.printed()),
        "the printer's device never received the job"
    );
    // The backend may still be writing when the file appears.
    let started = Instant::now();
    while std::fs::read(cups.printed()).unwrap() != bytes
        && started.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read(cups.printed()).unwrap(), bytes);
    assert!(
        !desktop.path("opened").exists(),
        "the viewer was opened although a printer took the job"
    );
}

#[test]
fn print_without_printer_opens_viewer() {
    let desktop = PrivateDesktop::new();
    let viewer = desktop.viewer();
    desktop.associate("application/pdf", &viewer);
    let pdf = desktop.path("F2026-00006.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    // No scheduler listens on this socket, as on a desktop without CUPS.
    let missing = desktop.path("no-cups.sock");

    let printed = print_with(
        &pdf,
        "F2026-00006",
        &[("CUPS_SERVER", missing.as_os_str())],
        desktop.opener(&pdf),
    )
    .unwrap();

    assert_eq!(printed, Printed::Opened(pdf.clone()));
    assert!(
        wait_for_file(&desktop.path("opened")),
        "the associated viewer never started"
    );
    assert_eq!(
        std::fs::read_to_string(desktop.path("opened")).unwrap(),
        pdf.display().to_string()
    );
    std::fs::write(desktop.path("release"), b"").unwrap();
    assert!(wait_for_file(&desktop.path("closed")));
}

#[test]
fn cli_print_sends_archived_pdf() {
    let cups = PrivateCups::start();
    let folder = crate::common::cli_folder();
    let today = facturier::books::today().to_string();
    let number = crate::common::cli_issue(
        folder.path(),
        "invoice.json",
        &crate::common::invoice_json(&today, &crate::common::line("2", "150.00", "20"), ""),
    );
    let data = folder.path().join("data");
    let archive = folder.path().join("archive.pdf");
    crate::common::ok(&data, &["pdf", &number, "-o", archive.to_str().unwrap()]);

    let output = Command::new(env!("CARGO_BIN_EXE_facturier"))
        .env("CUPS_SERVER", cups.socket())
        .arg("--data-dir")
        .arg(&data)
        .args(["print", &number])
        .output()
        .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("{number} sent to the printer facturier-test")),
        "{stdout}"
    );
    assert!(wait_for_file(&cups.printed()), "no job reached the printer");
    let archived = std::fs::read(&archive).unwrap();
    let started = Instant::now();
    while std::fs::read(cups.printed()).unwrap() != archived
        && started.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read(cups.printed()).unwrap(), archived);
}

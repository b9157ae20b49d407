//! Hands files to the user's desktop: the print system's default printer or
//! the default PDF viewer (to print), or the mail program (to compose a
//! message from an .eml draft).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long `start_opener` watches the opener for a failure before it counts
/// the file as opened. `xdg-open` of xdg-utils 1.1.3 (Debian 12) failed in
/// about 0.1 s when no application was associated with the file's type.
/// Where the desktop has no opener of its own, that script runs the
/// application in the foreground and exits only when the user closes it.
const OPENER_FAILURE_WINDOW: Duration = Duration::from_secs(1);

/// Interval between two checks of the opener's exit during that window.
const OPENER_POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Opens `path` with the application the desktop associates with its type:
/// `xdg-open` on Linux and BSD, `open` on macOS, `start` on Windows.
/// Returns within about a second, even while the application stays open.
pub fn open_with_default_application(path: &Path) -> Result<(), String> {
    start_opener(opener_command(path), path)
}

/// Builds the command of the platform's opener for `path`, which
/// `start_opener` runs. Callers may add to its environment first, for
/// example a private `XDG_CONFIG_HOME` that contains the associations.
pub fn opener_command(path: &Path) -> Command {
    let mut command;
    if cfg!(target_os = "windows") {
        // `start` takes its first quoted argument as the window title.
        command = Command::new("cmd");
        command.args(["/C", "start", ""]).arg(path);
    } else if cfg!(target_os = "macos") {
        command = Command::new("open");
        command.arg(path);
    } else {
        command = Command::new("xdg-open");
        command.arg(path);
    }
    command
}

/// Starts `command`, an opener of `path`, and returns once the opener
/// succeeded, failed, or still runs after `OPENER_FAILURE_WINDOW`. It does
/// not wait for the application to close, because `xdg-open` without a
/// desktop session runs the viewer in the foreground, and the caller (the
/// app's database thread) must stay free while the viewer is open. An opener
/// still running is awaited on a thread of its own, which logs a failing exit.
pub fn start_opener(mut command: Command, path: &Path) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command.stdin(Stdio::null()).spawn().map_err(|error| {
        tracing::error!(%program, %error, "the desktop opener could not be started");
        format!(
            "no desktop application could be started ({program}: {error}); the file is saved as {}: open it yourself",
            path.display()
        )
    })?;
    let started = Instant::now();
    while started.elapsed() < OPENER_FAILURE_WINDOW {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                tracing::warn!(%program, %status, "the desktop opener failed");
                return Err(format!(
                    "{program} could not open {} ({status}): open the file with the right application yourself",
                    path.display()
                ));
            }
            Ok(None) => std::thread::sleep(OPENER_POLL_INTERVAL),
            Err(error) => {
                tracing::warn!(%program, %error, "the desktop opener's state could not be read");
                break;
            }
        }
    }
    tracing::info!(%program, "the desktop opener still runs; it is awaited in the background");
    std::thread::spawn(move || await_opener(child, &program));
    Ok(())
}

/// The outcome of Print: a printer job, or the PDF opened in the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// Sent to the default printer of the print system (CUPS), as that job.
    Sent { printer: String, job: String },
    /// Opened in the desktop's PDF viewer, whose print command prints it.
    Opened(PathBuf),
}

/// Prints the PDF `path`: straight to the default printer where the print
/// system (CUPS, on Linux, the BSDs and macOS) has one, else through the
/// desktop's PDF viewer. `title` names the job in the printer's queue.
pub fn print(path: &Path, title: &str) -> Result<Printed, String> {
    print_with(path, title, &[], opener_command(path))
}

/// Prints like `print`, with `cups_environment` added to the environment of
/// the CUPS commands (`CUPS_SERVER` names a private server in tests) and
/// `opener` as the viewer's command when there is no default printer.
pub fn print_with(
    path: &Path,
    title: &str,
    cups_environment: &[(&str, &std::ffi::OsStr)],
    opener: Command,
) -> Result<Printed, String> {
    if !cfg!(target_os = "windows") {
        if let Some(printer) = default_printer(cups_environment) {
            let job = send_to_printer(path, title, &printer, cups_environment)?;
            tracing::info!(%printer, %job, "document sent to the default printer");
            return Ok(Printed::Sent { printer, job });
        }
    }
    start_opener(opener, path)?;
    Ok(Printed::Opened(path.to_path_buf()))
}

/// Builds a CUPS command with untranslated messages, which the callers read.
fn cups_command(program: &str, cups_environment: &[(&str, &std::ffi::OsStr)]) -> Command {
    let mut command = Command::new(program);
    command
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .stdin(Stdio::null());
    for (name, value) in cups_environment {
        command.env(name, value);
    }
    command
}

/// Reads the print system's default destination with `lpstat -d`. Returns
/// `None` when there is no print system, no server or no default printer.
fn default_printer(cups_environment: &[(&str, &std::ffi::OsStr)]) -> Option<String> {
    let output = match cups_command("lpstat", cups_environment).arg("-d").output() {
        Ok(output) => output,
        Err(error) => {
            tracing::info!(%error, "no print system (lpstat): printing through the PDF viewer");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let printer = text
        .lines()
        .find_map(|line| line.strip_prefix("system default destination:"))
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty());
    if printer.is_none() {
        tracing::info!(
            status = %output.status,
            "no default printer: printing through the PDF viewer"
        );
    }
    printer
}

/// Queues `path` on `printer` with `lp`; returns the job id.
fn send_to_printer(
    path: &Path,
    title: &str,
    printer: &str,
    cups_environment: &[(&str, &std::ffi::OsStr)],
) -> Result<String, String> {
    let output = cups_command("lp", cups_environment)
        .args(["-d", printer, "-t", title, "--"])
        .arg(path)
        .output()
        .map_err(|error| {
            tracing::warn!(%error, "lp could not be started");
            format!(
                "the print command lp could not be started ({error}): print the PDF from Export PDF instead"
            )
        })?;
    if !output.status.success() {
        let reason = String::from_utf8_lossy(&output.stderr).trim().to_string();
        tracing::warn!(status = %output.status, "lp failed to queue the job");
        return Err(format!(
            "the printer {printer} refused the document ({reason}): check it in the system's printer settings, or print the PDF from Export PDF"
        ));
    }
    // "request id is PRINTER-42 (1 file(s))"
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .split_whitespace()
        .skip_while(|word| *word != "is")
        .nth(1)
        .unwrap_or("?")
        .to_string())
}

/// Waits for an opener that outlived the failure window, so that it leaves no
/// zombie process, and logs a failing exit that no caller sees any more.
fn await_opener(mut child: Child, program: &str) {
    match child.wait() {
        Ok(status) if status.success() => {
            tracing::info!(%program, "the desktop application closed");
        }
        Ok(status) => {
            tracing::warn!(%program, %status, "the desktop application exited with a failure");
        }
        Err(error) => {
            tracing::warn!(%program, %error, "the desktop application's exit could not be read");
        }
    }
}

/// Sequence number of the temporary files written by this process.
static TEMPORARY_FILES: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to a new temporary file named after `name`, the process and
/// a sequence number, so that two openings never share a file that a viewer
/// may still be reading.
pub fn write_temporary(name: &str, extension: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let sequence = TEMPORARY_FILES.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "facturier-{safe}-{}-{sequence}.{extension}",
        std::process::id()
    ));
    std::fs::write(&path, bytes)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(path)
}

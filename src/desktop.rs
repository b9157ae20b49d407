//! Hands files to the user's desktop: the default PDF viewer (to print) or
//! mail program (to compose a message from an .eml draft).

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

//! Hands files to the user's desktop: the default PDF viewer (to print) or
//! mail program (to compose a message from an .eml draft).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Opens `path` with the application the desktop associates with its type:
/// `xdg-open` on Linux and BSD, `open` on macOS, `start` on Windows.
pub fn open_with_default_application(path: &Path) -> Result<(), String> {
    let (program, arguments): (&str, Vec<&std::ffi::OsStr>) = if cfg!(target_os = "windows") {
        (
            "cmd",
            vec![
                "/C".as_ref(),
                "start".as_ref(),
                "".as_ref(),
                path.as_os_str(),
            ],
        )
    } else if cfg!(target_os = "macos") {
        ("open", vec![path.as_os_str()])
    } else {
        ("xdg-open", vec![path.as_os_str()])
    };
    match Command::new(program).args(&arguments).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "{program} could not open {} ({status}): open the file with the right application yourself",
            path.display()
        )),
        Err(error) => Err(format!(
            "no desktop application could be started ({program}: {error}); the file is saved as {}: open it yourself",
            path.display()
        )),
    }
}

/// Writes `bytes` to a temporary file named after `name` and the process, so
/// that two openings never share a file a viewer may still be reading.
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
    let path = std::env::temp_dir().join(format!(
        "facturier-{safe}-{}.{extension}",
        std::process::id()
    ));
    std::fs::write(&path, bytes)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(path)
}

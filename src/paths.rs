//! Location of the data folder.

use std::path::PathBuf;

/// Environment variable that overrides the data folder.
pub const DATA_DIR_VARIABLE: &str = "FACTURIER_DATA_DIR";

/// Resolves the data folder: `explicit` (the `--data-dir` option) when given, else
/// `$FACTURIER_DATA_DIR`, else the platform's data folder
/// (`~/.local/share/facturier` on Linux, `~/Library/Application
/// Support/fr.Facturier.Facturier` on macOS, `%APPDATA%\Facturier\Facturier\data`
/// on Windows).
pub fn data_dir(explicit: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_VARIABLE).filter(|value| !value.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("fr", "Facturier", "Facturier")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            format!("no home folder was found for the data: pass --data-dir DIR or set {DATA_DIR_VARIABLE}")
        })
}

//! `facturier`: the entry point. With no command it opens the desktop app
//! (or prints the status board when built without the `gui` feature); see
//! `facturier --help`.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// How many daily log files are kept in the data folder's `logs` folder.
const LOG_FILES_KEPT: usize = 14;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let data_dir = match facturier::paths::data_dir(cli.data_dir.clone()) {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let _log_guard = init_logging(&data_dir);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "facturier started");
    let outcome = cli::run(cli, &data_dir);
    let code = match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // The message can name customer data, so it goes to the user's
            // terminal only; the log records that a command failed.
            tracing::warn!("command failed");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    };
    tracing::info!("facturier stopped");
    code
}

/// Logs to daily-rotated files in `<data dir>/logs`; `RUST_LOG` sets the
/// level (info by default). Without a writable folder nothing is logged.
fn init_logging(data_dir: &std::path::Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let directory = data_dir.join("logs");
    let appender = std::fs::create_dir_all(&directory)
        .map_err(|error| error.to_string())
        .and_then(|()| {
            tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("facturier")
                .filename_suffix("log")
                .max_log_files(LOG_FILES_KEPT)
                .build(&directory)
                .map_err(|error| error.to_string())
        });
    let appender = match appender {
        Ok(appender) => appender,
        Err(error) => {
            eprintln!(
                "warning: no log is written, because {} cannot be used: {error}",
                directory.display()
            );
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(writer)
        .with_ansi(false)
        .init();
    Some(guard)
}

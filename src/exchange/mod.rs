//! CSV exchange: importing customers, products and documents from the files
//! other programs and spreadsheets write, and exporting the books for an
//! accountant.
//!
//! Reading accepts a UTF-8 byte-order mark, Windows-1252 files (detected
//! when the bytes are not valid UTF-8), `,`, `;`, tab or `|` separators
//! (detected from the header line), and fields quoted with embedded quotes,
//! separators and line breaks. Exports are UTF-8 with `,` and quote every
//! field that needs it, so they read back unchanged.

pub mod export;
pub mod fields;
pub mod import;

use serde::{Deserialize, Serialize};

pub use export::{CsvDialect, ExportKind, export, export_in};
pub use fields::{Field, ImportKind};
pub use import::{Analysis, ImportError, ImportOptions, ImportReport, RowError, analyse, commit};

/// The character encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    /// The Western European code page of Windows spreadsheet programs.
    Windows1252,
    /// UTF-16 with its byte-order mark, as "Unicode text" exports write it.
    Utf16,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Windows1252 => "Windows-1252",
            TextEncoding::Utf16 => "UTF-16",
        }
    }
}

/// One data row of a CSV file: its fields and the file line it starts on
/// (from 1, the header being line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub line: u64,
    pub fields: Vec<String>,
}

/// A decoded CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvTable {
    pub encoding: TextEncoding,
    /// Whether the file started with a UTF-8 byte-order mark.
    pub had_bom: bool,
    pub separator: u8,
    pub headers: Vec<String>,
    pub rows: Vec<CsvRow>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` and splits them into a header and rows. `encoding` and
/// `separator` override the detection, except that a UTF-16 byte-order mark
/// always means UTF-16.
pub fn read_table(
    bytes: &[u8],
    encoding: Option<TextEncoding>,
    separator: Option<u8>,
) -> Result<CsvTable, String> {
    let (text, encoding, had_bom) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((utf16, bom_length)) if utf16 != encoding_rs::UTF_8 => {
            let (text, malformed) = utf16.decode_without_bom_handling(&bytes[bom_length..]);
            if malformed {
                return Err(
                    "the file starts with a UTF-16 byte-order mark but is not valid UTF-16: save it again as UTF-8 CSV".to_string(),
                );
            }
            (text.into_owned(), TextEncoding::Utf16, true)
        }
        _ => {
            let (had_bom, body) = match bytes.strip_prefix(UTF8_BOM) {
                Some(rest) => (true, rest),
                None => (false, bytes),
            };
            let (text, encoding) = decode(body, encoding)?;
            (text, encoding, had_bom)
        }
    };
    let separator = separator.unwrap_or_else(|| detect_separator(&text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| format!("the header line cannot be read: {error}"))?
        .iter()
        .map(|header| header.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err("the file is empty: the first line must name the columns".to_string());
    }
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(&text);
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error
                .position()
                .map_or(0, |position| lines.line_at(position.byte()));
            format!("line {line} cannot be read as CSV: {error}")
        })?;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        rows.push(CsvRow {
            line: record
                .position()
                .map_or(0, |position| lines.line_at(position.byte())),
            fields: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(CsvTable {
        encoding,
        had_bom,
        separator,
        headers,
        rows,
    })
}

/// Turns byte offsets into file line numbers. The csv crate's own line
/// count is one short after CRLF line ends (csv 1.4), so lines are counted
/// here from the `\n` bytes before each record.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> LineCounter<'t> {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// Returns the line of byte `offset`; offsets must not decrease between
    /// calls.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // After a CR, the csv crate starts the next record on the LF.
        if self.text.get(target) == Some(&b'\n') {
            target += 1;
        }
        if target > self.offset {
            let newlines = self.text[self.offset..target]
                .iter()
                .filter(|byte| **byte == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = target;
        }
        self.line
    }
}

/// Decodes the bytes after any byte-order mark. Without a forced encoding,
/// valid UTF-8 is UTF-8 and anything else is read as Windows-1252, which
/// maps every byte to a character, so nothing is dropped.
fn decode(bytes: &[u8], forced: Option<TextEncoding>) -> Result<(String, TextEncoding), String> {
    match (forced, std::str::from_utf8(bytes)) {
        // Without a byte-order mark, UTF-16 is taken as little-endian, the
        // order Windows programs write.
        (Some(TextEncoding::Utf16), _) => {
            let (text, malformed) = encoding_rs::UTF_16LE.decode_without_bom_handling(bytes);
            if malformed {
                return Err("the file is not valid UTF-16: choose another encoding".to_string());
            }
            Ok((text.into_owned(), TextEncoding::Utf16))
        }
        (Some(TextEncoding::Windows1252), _) | (None, Err(_)) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), TextEncoding::Windows1252))
        }
        (_, Ok(text)) => Ok((text.to_string(), TextEncoding::Utf8)),
        (Some(TextEncoding::Utf8), Err(error)) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = 1 + valid.iter().filter(|byte| **byte == b'\n').count();
            Err(format!(
                "line {line} is not valid UTF-8 (byte {} of the file): choose the Windows-1252 encoding, which spreadsheet programs on Windows write",
                error.valid_up_to() + 1
            ))
        }
    }
}

/// Picks the separator that occurs most often, outside quotes, in the
/// header line: `;`, `,`, tab or `|`; `,` when none does.
fn detect_separator(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(entry) = counts.iter_mut().find(|(separator, _)| *separator == byte) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(separator, count)| (*count, *separator == b','))
        .filter(|(_, count)| *count > 0)
        .map_or(b',', |(separator, _)| *separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_detection() {
        assert_eq!(detect_separator("a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_separator("a,b,c\n1;2"), b',');
        assert_eq!(detect_separator("a\tb\n"), b'\t');
        assert_eq!(detect_separator("\"x;y\",b,c\n"), b',');
        assert_eq!(detect_separator("single\n"), b',');
    }

    #[test]
    fn line_numbers_with_crlf_and_quoted_breaks() {
        let text = "a;b\r\n1;2\r\n3;\"x\r\ny\"\r\n5;6\r\n";
        let table = read_table(text.as_bytes(), None, None).unwrap();
        let lines: Vec<u64> = table.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        let table = read_table(text.replace("\r\n", "\n").as_bytes(), None, None).unwrap();
        let lines: Vec<u64> = table.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
    }

    #[test]
    fn forced_utf8_names_the_line() {
        let error = decode(b"a,b\n1,\xE9\n", Some(TextEncoding::Utf8)).unwrap_err();
        assert!(error.starts_with("line 2 is not valid UTF-8"), "{error}");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "code\tname\nA-1\tMüller\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let table = read_table(&bytes, None, None).unwrap();
        assert_eq!(table.encoding, TextEncoding::Utf16);
        assert_eq!(table.separator, b'\t');
        assert_eq!(table.headers, vec!["code", "name"]);
        assert_eq!(table.rows[0].fields, vec!["A-1", "Müller"]);
    }

    #[test]
    fn invalid_utf8_is_read_as_windows_1252() {
        let (text, encoding) = decode(b"M\xFCller \x80", None).unwrap();
        assert_eq!(encoding, TextEncoding::Windows1252);
        assert_eq!(text, "Müller €");
    }
}

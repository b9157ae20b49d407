//! Page geometry: rows of text cells placed top to bottom, new pages with
//! the repeated table header, the footer with "page x of y", and the
//! conversion to printpdf operations. Units are PDF points.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use flate2::{Compress, Compression, FlushCompress, Status};

use printpdf::{
    Color, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, RawImage,
    RawImageData, RawImageFormat, Rect, Rgb, TextItem, TextMatrix, XObjectTransform,
};

use super::fonts::{Face, Weight};
use super::labels::Labels;
use super::{PaperSize, PdfError};

/// Page margin on every side: 15 mm.
pub const MARGIN: f32 = 42.5;
/// Height kept free at the bottom of every page for the footer.
const FOOTER_HEIGHT: f32 = 48.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Height of the logo on the first page: 18 mm.
pub const LOGO_HEIGHT: f32 = 51.0;

pub const BLACK: [f32; 3] = [0.0, 0.0, 0.0];
pub const GREY: [f32; 3] = [0.35, 0.35, 0.35];
pub const WHITE: [f32; 3] = [1.0, 1.0, 1.0];

/// Parses "#RRGGBB" into RGB components from 0 to 1.
pub fn parse_color(text: &str) -> Result<[f32; 3], PdfError> {
    let invalid = || PdfError::InvalidColor(text.to_string());
    let hex = text.trim().strip_prefix('#').ok_or_else(invalid)?;
    if hex.len() != 6 || !hex.is_ascii() {
        return Err(invalid());
    }
    let mut color = [0.0; 3];
    for (index, component) in color.iter_mut().enumerate() {
        let byte = u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).map_err(|_| invalid())?;
        *component = f32::from(byte) / 255.0;
    }
    Ok(color)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One run of text inside a row.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Left edge of the cell.
    pub x: f32,
    pub width: f32,
    pub align: Align,
    pub text: String,
    pub size: f32,
    pub weight: Weight,
    pub color: [f32; 3],
}

/// A horizontal strip of the page: cells on one baseline, and an optional
/// background band across the text width.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub height: f32,
    pub cells: Vec<Cell>,
    pub band: Option<[f32; 3]>,
}

impl Row {
    pub fn new(size: f32) -> Row {
        Row {
            height: size * LEADING,
            ..Row::default()
        }
    }

    /// Creates an empty row of `height` points.
    pub fn gap(height: f32) -> Row {
        Row {
            height,
            ..Row::default()
        }
    }

    pub fn with(mut self, cell: Cell) -> Row {
        self.height = self.height.max(cell.size * LEADING);
        self.cells.push(cell);
        self
    }
}

/// A decoded PNG logo.
pub struct Logo {
    image: RawImage,
}

impl Logo {
    pub fn load(path: &Path) -> Result<Logo, PdfError> {
        let error = |reason: String| PdfError::Logo {
            path: path.display().to_string(),
            reason,
        };
        let file =
            std::fs::File::open(path).map_err(|e| error(format!("cannot be opened: {e}")))?;
        let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder
            .read_info()
            .map_err(|e| error(format!("is not a valid PNG file: {e}")))?;
        let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader
            .next_frame(&mut pixels)
            .map_err(|e| error(format!("is not a valid PNG file: {e}")))?;
        pixels.truncate(info.buffer_size());
        let data_format = match info.color_type {
            png::ColorType::Grayscale => RawImageFormat::R8,
            png::ColorType::GrayscaleAlpha => RawImageFormat::RG8,
            png::ColorType::Rgb => RawImageFormat::RGB8,
            png::ColorType::Rgba => RawImageFormat::RGBA8,
            png::ColorType::Indexed => return Err(error("uses an unsupported palette".into())),
        };
        Ok(Logo {
            image: RawImage {
                pixels: RawImageData::U8(pixels),
                width: info.width as usize,
                height: info.height as usize,
                data_format,
                tag: Vec::new(),
            },
        })
    }
}

struct Placed {
    x: f32,
    /// Baseline, from the bottom of the page.
    y: f32,
    cell: Cell,
}

struct Band {
    y: f32,
    height: f32,
    color: [f32; 3],
}

#[derive(Default)]
struct Page {
    texts: Vec<Placed>,
    bands: Vec<Band>,
    logo: Option<(f32, f32)>,
}

/// The pages being filled, with the cursor's distance from the top edge.
pub struct Sheet {
    pub width: f32,
    pub height: f32,
    pub accent: [f32; 3],
    pages: Vec<Page>,
    cursor: f32,
    /// Repeated at the top of every page while a table runs on.
    table_header: Option<Vec<Row>>,
    logo: Option<RawImage>,
}

impl Sheet {
    pub fn new(paper: PaperSize, accent: [f32; 3]) -> Sheet {
        let (width, height) = paper.points();
        Sheet {
            width,
            height,
            accent,
            pages: vec![Page::default()],
            cursor: MARGIN,
            table_header: None,
            logo: None,
        }
    }

    /// Width between the left and right margins.
    pub fn text_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    fn bottom_limit(&self) -> f32 {
        self.height - FOOTER_HEIGHT - MARGIN
    }

    /// Space left on the current page, in points.
    pub fn remaining(&self) -> f32 {
        self.bottom_limit() - self.cursor
    }

    /// Space an empty page offers, from the top margin to the footer.
    pub fn page_capacity(&self) -> f32 {
        self.bottom_limit() - MARGIN
    }

    /// Draws the logo at the cursor, top left, and moves the cursor below it.
    pub fn place_logo(&mut self, logo: &Logo) {
        let top = self.cursor;
        if let Some(page) = self.pages.last_mut() {
            page.logo = Some((MARGIN, self.height - top - LOGO_HEIGHT));
        }
        self.logo = Some(logo.image.clone());
        self.cursor += LOGO_HEIGHT + 8.0;
    }

    pub fn start_table(&mut self, header: Vec<Row>) {
        for row in &header {
            self.place_raw(row);
        }
        self.table_header = Some(header);
    }

    pub fn end_table(&mut self) {
        self.table_header = None;
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.cursor = MARGIN;
        if let Some(header) = self.table_header.clone() {
            for row in &header {
                self.place_raw(row);
            }
        }
    }

    /// Places a row, first moving to a new page when it does not fit.
    pub fn place(&mut self, row: &Row) {
        if row.height > self.remaining() {
            self.new_page();
        }
        self.place_raw(row);
    }

    /// Places rows that must stay together on one page, unless together they
    /// are taller than a page, in which case they flow like any rows.
    pub fn place_together(&mut self, rows: &[Row]) {
        let height: f32 = rows.iter().map(|row| row.height).sum();
        if height > self.remaining() && height <= self.page_capacity() {
            self.new_page();
        }
        for row in rows {
            self.place(row);
        }
    }

    fn place_raw(&mut self, row: &Row) {
        let top = self.cursor;
        let page_height = self.height;
        let page = self.pages.last_mut().expect("a sheet always has a page");
        if let Some(color) = row.band {
            page.bands.push(Band {
                y: page_height - top - row.height,
                height: row.height,
                color,
            });
        }
        for cell in &row.cells {
            let baseline = page_height - top - (row.height + cell.size * 0.7) / 2.0;
            let x = match cell.align {
                Align::Left => cell.x,
                Align::Right => {
                    cell.x + cell.width
                        - Face::get(cell.weight)
                            .map_or(0.0, |face| face.width(&cell.text, cell.size))
                }
            };
            page.texts.push(Placed {
                x,
                y: baseline,
                cell: cell.clone(),
            });
        }
        self.cursor += row.height;
    }

    /// Adds the footer to every page, then writes the PDF.
    ///
    /// `caption` (document title and number) precedes "page i of n".
    pub fn finish(
        mut self,
        footer: &[String],
        caption: &str,
        labels: &Labels,
    ) -> Result<Vec<u8>, PdfError> {
        let count = self.pages.len();
        let width = self.text_width();
        for index in 0..count {
            let mut y = FOOTER_HEIGHT + MARGIN - 10.0;
            let mut lines: Vec<(String, Align)> = footer
                .iter()
                .map(|line| (line.clone(), Align::Left))
                .collect();
            lines.push((
                format!(
                    "{caption} · {} {} {} {count}",
                    labels.page,
                    index + 1,
                    labels.of
                ),
                Align::Right,
            ));
            let page = &mut self.pages[index];
            page.bands.push(Band {
                y: y + 4.0,
                height: 0.5,
                color: GREY,
            });
            for (text, align) in lines {
                let size = 7.0;
                let x = match align {
                    Align::Left => MARGIN,
                    Align::Right => MARGIN + width - Face::get(Weight::Regular)?.width(&text, size),
                };
                y -= size * LEADING;
                page.texts.push(Placed {
                    x,
                    y,
                    cell: Cell {
                        x,
                        width,
                        align,
                        text,
                        size,
                        weight: Weight::Regular,
                        color: GREY,
                    },
                });
            }
        }
        self.write()
    }

    fn write(self) -> Result<Vec<u8>, PdfError> {
        let mut document = PdfDocument::new("");
        let mut handles = Vec::new();
        for (weight, characters) in [Weight::Regular, Weight::Bold]
            .into_iter()
            .zip(self.used_characters())
        {
            let handle = if characters.is_empty() {
                None
            } else {
                let font = Face::get(weight)?.subset(&characters)?;
                Some(PdfFontHandle::External(document.add_font(&font)))
            };
            handles.push(handle);
        }
        let logo = self.logo.as_ref().map(|image| document.add_image(image));
        let logo_height = self.logo.as_ref().map(|image| image.height as f32);
        let (width, height) = (self.width, self.height);
        let mut pages = Vec::with_capacity(self.pages.len());
        for page in self.pages {
            let mut ops = Vec::with_capacity(page.bands.len() * 2 + page.texts.len() * 2 + 8);
            for band in &page.bands {
                ops.push(Op::SetFillColor {
                    col: rgb(band.color),
                });
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(MARGIN),
                        y: Pt(band.y),
                        width: Pt(width - 2.0 * MARGIN),
                        height: Pt(band.height),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            if let (Some(id), Some((x, y)), Some(pixels_high)) = (&logo, page.logo, logo_height) {
                // At 72 dpi one pixel is one point, so the scale is the
                // logo's height in points over its height in pixels.
                let scale = LOGO_HEIGHT / pixels_high.max(1.0);
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: XObjectTransform {
                        translate_x: Some(Pt(x)),
                        translate_y: Some(Pt(y)),
                        scale_x: Some(scale),
                        scale_y: Some(scale),
                        dpi: Some(72.0),
                        ..XObjectTransform::default()
                    },
                });
            }
            ops.push(Op::StartTextSection);
            text_operations(page.texts, &handles, &mut ops)?;
            ops.push(Op::EndTextSection);
            pages.push(PdfPage::new(
                printpdf::Mm::from(Pt(width)),
                printpdf::Mm::from(Pt(height)),
                ops,
            ));
        }
        // printpdf's own `save` compresses every stream at the best (slowest)
        // Deflate level; the streams are compressed here instead.
        let options = PdfSaveOptions {
            optimize: false,
            ..PdfSaveOptions::default()
        };
        let mut pdf = document
            .with_pages(pages)
            .to_lopdf_document(&options, &mut Vec::new());
        compress_streams(&mut pdf)?;
        let streams_length: usize = pdf
            .objects
            .values()
            .filter_map(|object| match object {
                lopdf::Object::Stream(stream) => Some(stream.content.len()),
                _ => None,
            })
            .sum();
        // The dictionaries, the cross-reference table and the trailer of a
        // two-page invoice take about 4 KB.
        let mut bytes = Vec::with_capacity(streams_length + 8192);
        pdf.save_to(&mut bytes)
            .map_err(|error| PdfError::Write(error.to_string()))?;
        Ok(bytes)
    }

    /// Lists the characters printed in the regular and in the bold face,
    /// once each.
    fn used_characters(&self) -> [BTreeSet<char>; 2] {
        // One bit per Basic Multilingual Plane character and face, which
        // is cheaper than inserting every occurrence into a `BTreeSet`.
        let mut bmp = [[0u64; 1024]; 2];
        let mut beyond: [BTreeSet<char>; 2] = [BTreeSet::new(), BTreeSet::new()];
        for placed in self.pages.iter().flat_map(|page| &page.texts) {
            let face = placed.cell.weight as usize;
            for character in placed.cell.text.chars() {
                let code = character as usize;
                match bmp[face].get_mut(code / 64) {
                    Some(word) => *word |= 1 << (code % 64),
                    None => {
                        beyond[face].insert(character);
                    }
                }
            }
        }
        let mut used: [BTreeSet<char>; 2] = [BTreeSet::new(), BTreeSet::new()];
        for (face, words) in bmp.iter().enumerate() {
            let mut characters = Vec::new();
            for (index, word) in words.iter().enumerate() {
                let mut bits = *word;
                while bits != 0 {
                    let code = index * 64 + bits.trailing_zeros() as usize;
                    characters.extend(char::from_u32(code as u32));
                    bits &= bits - 1;
                }
            }
            // The characters come out sorted, so `BTreeSet` builds its
            // tree in one pass.
            used[face] = characters.into_iter().collect();
            used[face].append(&mut beyond[face]);
        }
        used
    }
}

/// Text cells on one baseline, in one face, size and colour, shown by one
/// `TJ` operator: the numbers between the strings move the pen across the
/// gaps between cells.
struct TextRun {
    weight: Weight,
    size: f32,
    color: [f32; 3],
    x: f32,
    y: f32,
    /// Pen position after the last string, in thousandths of an em from `x`.
    pen: f64,
    items: Vec<TextItem>,
}

impl TextRun {
    fn start(placed: &Placed, advance: i64) -> TextRun {
        TextRun {
            weight: placed.cell.weight,
            size: placed.cell.size,
            color: placed.cell.color,
            x: placed.x,
            y: placed.y,
            pen: advance as f64,
            items: Vec::with_capacity(8),
        }
    }

    /// Returns the `TJ` number that moves the pen from the end of the run
    /// to `placed`. Returns `None` when `placed` has another baseline, face,
    /// size or colour, or starts left of the pen, because a backward move
    /// would put the cells out of reading order.
    fn kerning_to(&self, placed: &Placed) -> Option<f32> {
        let cell = &placed.cell;
        if placed.y != self.y
            || cell.weight != self.weight
            || cell.size != self.size
            || cell.color != self.color
        {
            return None;
        }
        let target = f64::from(placed.x - self.x) * 1000.0 / f64::from(self.size);
        // A positive `TJ` number moves the pen left.
        let kerning = self.pen - target;
        (kerning <= 0.0).then_some(kerning as f32)
    }
}

/// Appends the operations that show a page's text: one `TJ` per run of
/// cells that share a baseline, a face, a size and a colour, with the font
/// and the colour set only when they change.
fn text_operations(
    texts: Vec<Placed>,
    handles: &[Option<PdfFontHandle>],
    ops: &mut Vec<Op>,
) -> Result<(), PdfError> {
    let mut state: Option<(Weight, f32, [f32; 3])> = None;
    let mut run: Option<TextRun> = None;
    for placed in texts {
        if handles[placed.cell.weight as usize].is_none() {
            continue;
        }
        let advance = Face::get(placed.cell.weight)?.pdf_advance(&placed.cell.text);
        if let Some(current) = run.as_mut() {
            if let Some(kerning) = current.kerning_to(&placed) {
                if kerning != 0.0 {
                    current.items.push(TextItem::Offset(kerning));
                    current.pen -= f64::from(kerning);
                }
                current.pen += advance as f64;
                current.items.push(TextItem::Text(placed.cell.text));
                continue;
            }
        }
        if let Some(finished) = run.take() {
            show_run(finished, handles, &mut state, ops);
        }
        let mut started = TextRun::start(&placed, advance);
        started.items.push(TextItem::Text(placed.cell.text));
        run = Some(started);
    }
    if let Some(finished) = run {
        show_run(finished, handles, &mut state, ops);
    }
    Ok(())
}

fn show_run(
    run: TextRun,
    handles: &[Option<PdfFontHandle>],
    state: &mut Option<(Weight, f32, [f32; 3])>,
    ops: &mut Vec<Op>,
) {
    let Some(font) = handles[run.weight as usize].clone() else {
        return;
    };
    let (font_changed, color_changed) = match *state {
        Some((weight, size, color)) => {
            (weight != run.weight || size != run.size, color != run.color)
        }
        None => (true, true),
    };
    if color_changed {
        ops.push(Op::SetFillColor {
            col: rgb(run.color),
        });
    }
    if font_changed {
        ops.push(Op::SetFont {
            font,
            size: Pt(run.size),
        });
    }
    *state = Some((run.weight, run.size, run.color));
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Translate(Pt(run.x), Pt(run.y)),
    });
    ops.push(Op::ShowText { items: run.items });
}

/// Deflate level of the page and font streams. On a 20-line invoice, level 1
/// (fastest) makes the PDF 11 % larger than level 9 and takes about a third
/// of its instructions (docs/benchmarks.md).
const DEFLATE_LEVEL: u32 = 1;

thread_local! {
    /// One compressor per thread, reset between streams, which saves
    /// allocating its tables (about 300 KB) for every stream.
    static COMPRESSOR: RefCell<Compress> =
        RefCell::new(Compress::new(Compression::new(DEFLATE_LEVEL), true));
}

/// Compresses with Deflate (`/FlateDecode`) every stream that printpdf left
/// uncompressed and allows to be compressed, as its `optimize` option does,
/// keeping a stream as it is when compression would not make it shorter.
fn compress_streams(pdf: &mut lopdf::Document) -> Result<(), PdfError> {
    COMPRESSOR.with_borrow_mut(|compressor| {
        for object in pdf.objects.values_mut() {
            let lopdf::Object::Stream(stream) = object else {
                continue;
            };
            if !stream.allows_compression || stream.dict.has(b"Filter") {
                continue;
            }
            let compressed = zlib(compressor, &stream.content)?;
            if compressed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(compressed);
            }
        }
        Ok(())
    })
}

/// Compresses `input` into a zlib stream (RFC 1950), as `/FlateDecode`
/// expects.
fn zlib(compressor: &mut Compress, input: &[u8]) -> Result<Vec<u8>, PdfError> {
    compressor.reset();
    let mut output = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(compressor.total_in()).unwrap_or(input.len());
        let remaining = input.get(consumed..).unwrap_or_default();
        let status = compressor
            .compress_vec(remaining, &mut output, FlushCompress::Finish)
            .map_err(|error| PdfError::Write(format!("compressing a stream failed: {error}")))?;
        match status {
            Status::StreamEnd => return Ok(output),
            // The output is full: give it room and go on.
            Status::Ok | Status::BufError => output.reserve(output.capacity().max(64)),
        }
    }
}

fn rgb(color: [f32; 3]) -> Color {
    Color::Rgb(Rgb {
        r: color[0],
        g: color[1],
        b: color[2],
        icc_profile: None,
    })
}

/// Splits `text` into lines no wider than `width` points, breaking at spaces
/// and, inside a word longer than a line, between characters. Newlines in
/// the text start new lines; empty lines are kept.
pub fn wrap(text: &str, width: f32, size: f32, weight: Weight) -> Result<Vec<String>, PdfError> {
    let face = Face::get(weight)?;
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in paragraph.split(' ') {
            let word_width = face.width(word, size);
            if line.is_empty() && word_width <= width {
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            if !line.is_empty() && line_width + space + word_width <= width {
                line.push(' ');
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            // A word wider than the line is broken between characters.
            for character in word.chars() {
                let character_width = face.width(character.encode_utf8(&mut [0; 4]), size);
                if line_width + character_width > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(character);
                line_width += character_width;
            }
        }
        lines.push(line);
    }
    Ok(lines)
}

/// Replaces tabs and drops other control characters, then checks that the
/// embedded font has a glyph for every character left, so that no blank box
/// or "?" is ever printed in place of a letter.
pub fn printable(text: &str) -> Result<String, PdfError> {
    let cleaned: String = if text.chars().any(char::is_control) {
        text.replace("\r\n", "\n")
            .chars()
            .filter_map(|character| match character {
                '\t' => Some(' '),
                '\n' => Some('\n'),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect()
    } else {
        text.to_string()
    };
    if let Some(character) = unprintable_characters(&cleaned)?.first() {
        return Err(PdfError::UnsupportedCharacter {
            character: *character,
            text: text.to_string(),
        });
    }
    Ok(cleaned)
}

/// Lists, once each and in order of appearance, the characters of `text`
/// that the regular or the bold face lacks. Control characters are left out
/// because `printable` replaces or drops them before printing.
pub fn unprintable_characters(text: &str) -> Result<Vec<char>, PdfError> {
    let regular = Face::get(Weight::Regular)?;
    let bold = Face::get(Weight::Bold)?;
    let mut missing = Vec::new();
    for character in text.chars() {
        // The coverage lookups come first because nearly every character
        // passes them, and they cost less than the other two tests.
        if regular.covers(character) && bold.covers(character) {
            continue;
        }
        if !character.is_control() && !missing.contains(&character) {
            missing.push(character);
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character_within_width() {
        let text = "Kávéőrlő Čačak Supercalifragilisticexpialidociousnessandmore end\n\nlast";
        let width = 60.0;
        let lines = wrap(text, width, 9.0, Weight::Regular).unwrap();
        let face = Face::get(Weight::Regular).unwrap();
        for line in &lines {
            assert!(
                face.width(line, 9.0) <= width,
                "{line:?} is wider than {width}"
            );
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            text.replace([' ', '\n'], "")
        );
        assert_eq!(lines.last().map(String::as_str), Some("last"));
        assert!(lines.contains(&String::new()), "the empty line was dropped");
    }

    #[test]
    fn accent_color_parses_or_is_rejected() {
        assert_eq!(parse_color("#FF0000").unwrap(), [1.0, 0.0, 0.0]);
        assert!(parse_color("FF0000").is_err());
        assert!(parse_color("#FF00").is_err());
        assert!(parse_color("#GG0000").is_err());
    }
}

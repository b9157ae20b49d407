//! The fonts embedded in every PDF: DejaVu Sans regular and bold, shipped in
//! the binary so that rendering never reads the system's fonts.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tag;
use printpdf::ParsedFont;

use super::PdfError;

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Weight of a text run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    Regular,
    Bold,
}

/// A font file with its character map and advance widths, parsed once per
/// process.
pub struct Face {
    bytes: &'static [u8],
    parsed: ParsedFont,
    /// Advance width in font units of each Basic Multilingual Plane
    /// character, indexed by code point; `NO_GLYPH` where the font has none.
    advances: Vec<u16>,
}

/// Marks a code point without a glyph in `Face::advances`.
const NO_GLYPH: u16 = u16::MAX;

impl Face {
    pub fn get(weight: Weight) -> Result<&'static Face, PdfError> {
        static REGULAR: OnceLock<Option<Face>> = OnceLock::new();
        static BOLD: OnceLock<Option<Face>> = OnceLock::new();
        let (cell, bytes) = match weight {
            Weight::Regular => (&REGULAR, REGULAR_TTF),
            Weight::Bold => (&BOLD, BOLD_TTF),
        };
        cell.get_or_init(|| {
            let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?;
            let mut advances = vec![NO_GLYPH; 0x10000];
            for (code_point, glyph) in &parsed.codepoint_to_glyph {
                if let Some(slot) = advances.get_mut(*code_point as usize) {
                    *slot = parsed.get_glyph_width(*glyph).unwrap_or(0);
                }
            }
            Some(Face {
                bytes,
                parsed,
                advances,
            })
        })
        .as_ref()
        .ok_or(PdfError::Font(
            "the embedded DejaVu Sans font could not be parsed".into(),
        ))
    }

    /// Returns the advance width of `character` in font units, or `None`
    /// when the font has no glyph for it.
    fn advance(&self, character: char) -> Option<u16> {
        match self.advances.get(character as usize) {
            Some(&NO_GLYPH) => None,
            Some(advance) => Some(*advance),
            None => self
                .parsed
                .lookup_glyph_index(character as u32)
                .map(|glyph| self.parsed.get_glyph_width(glyph).unwrap_or(0)),
        }
    }

    pub fn covers(&self, character: char) -> bool {
        self.advance(character).is_some()
    }

    /// Width of `text` in points at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|character| self.advance(character).map_or(0, u32::from))
            .sum();
        units as f32 * size / f32::from(self.parsed.units_per_em.max(1))
    }

    /// Builds a font that holds only the glyphs of `characters`, so that a
    /// one-page invoice embeds tens of kilobytes instead of the whole face.
    /// Every character must be covered (the caller checks with `covers`).
    pub fn subset(&self, characters: &BTreeSet<char>) -> Result<ParsedFont, PdfError> {
        // Glyph 0 (.notdef) must stay first in any TrueType font.
        let used: BTreeSet<u16> = characters
            .iter()
            .filter_map(|character| self.parsed.lookup_glyph_index(*character as u32))
            .filter(|glyph| *glyph != 0)
            .collect();
        let glyphs: Vec<u16> = std::iter::once(0).chain(used).collect();
        let font_error =
            |error: String| PdfError::Font(format!("subsetting DejaVu Sans failed: {error}"));
        let data = ReadScope::new(self.bytes)
            .read::<FontData<'_>>()
            .map_err(|error| font_error(error.to_string()))?;
        let provider = data
            .table_provider(0)
            .map_err(|error| font_error(error.to_string()))?;
        let bytes = subset(&provider, &glyphs, &profile(), CmapTarget::Unicode)
            .map_err(|error| font_error(error.to_string()))?;
        ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| font_error("the subset could not be read back".into()))
    }
}

/// Tables kept in an embedded subset: the outlines, the metrics and the
/// character map. The hinting programs (`cvt `, `fpgm`, `prep`) are left out
/// because PDF viewers scale outlines themselves, which makes each PDF smaller
/// and faster to compress.
fn profile() -> SubsetProfile {
    SubsetProfile::Custom(vec![
        tag::CMAP,
        tag::HEAD,
        tag::HHEA,
        tag::HMTX,
        tag::MAXP,
        tag::LOCA,
        tag::GLYF,
        tag::OS_2,
    ])
}

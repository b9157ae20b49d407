//! The fonts embedded in every PDF: DejaVu Sans regular and bold, shipped in
//! the binary so that rendering never reads the system's fonts.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use printpdf::{FontType, ParsedFont};

use super::PdfError;
use super::subset::Outlines;

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
    parsed: ParsedFont,
    /// The outlines and metrics that subsets copy glyphs from.
    outlines: Outlines,
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
            let outlines = match Outlines::parse(bytes) {
                Ok(outlines) => outlines,
                Err(error) => {
                    tracing::error!(%error, "the embedded DejaVu Sans font could not be parsed");
                    return None;
                }
            };
            let mut advances = vec![NO_GLYPH; 0x10000];
            for (code_point, glyph) in &parsed.codepoint_to_glyph {
                if let Some(slot) = advances.get_mut(*code_point as usize) {
                    *slot = parsed.get_glyph_width(*glyph).unwrap_or(0);
                }
            }
            Some(Face {
                parsed,
                outlines,
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
    #[inline]
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

    #[inline]
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

    /// Advance of `text` in thousandths of an em as a PDF viewer computes it:
    /// the sum of the glyph widths of the font's `/W` array, which printpdf
    /// 0.12 truncates to whole thousandths. Kerning numbers in a `TJ` array
    /// are measured against this advance.
    pub fn pdf_advance(&self, text: &str) -> i64 {
        let units_per_em = f32::from(self.parsed.pdf_font_metrics.units_per_em);
        text.chars()
            .filter_map(|character| self.advance(character))
            .map(|advance| (f32::from(advance) * 1000.0 / units_per_em) as i64)
            .sum()
    }

    /// Builds a font that holds only the glyphs of `characters`, so that a
    /// one-page invoice embeds tens of kilobytes instead of the whole face.
    /// Every character must be covered (the caller checks with `covers`).
    ///
    /// The returned `ParsedFont` is filled in from the full face's metrics
    /// and the subset's glyph ids, which spares parsing the subset again.
    /// NOTE: this relies on printpdf's `ParsedFont` having public fields, as
    /// it does when printpdf is built without its `text_layout` feature.
    pub fn subset(&self, characters: &BTreeSet<char>) -> Result<ParsedFont, PdfError> {
        let glyphs: BTreeMap<char, u16> = characters
            .iter()
            .filter_map(|character| {
                let glyph = self.parsed.lookup_glyph_index(*character as u32)?;
                Some((*character, glyph))
            })
            .collect();
        let (bytes, new_ids) = self.outlines.subset(&glyphs);
        let codepoint_to_glyph = glyphs
            .iter()
            .filter_map(|(character, old)| Some((*character as u32, *new_ids.get(old)?)))
            .collect();
        let glyph_widths = new_ids
            .iter()
            .map(|(old, new)| (*new, self.outlines.advance(*old)))
            .collect();
        Ok(ParsedFont {
            original_bytes: bytes,
            font_index: 0,
            font_name: None,
            codepoint_to_glyph,
            glyph_widths,
            units_per_em: self.parsed.units_per_em,
            font_metrics: self.parsed.font_metrics.clone(),
            font_type: FontType::TrueType,
            pdf_font_metrics: self.parsed.pdf_font_metrics.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a subset back with printpdf's own TrueType parser, which checks
    /// the table directory, `cmap`, `hmtx` and the glyph count.
    #[test]
    fn subset_reads_back_with_same_glyphs() {
        let face = Face::get(Weight::Regular).unwrap();
        // DejaVu Sans draws some accented letters as composite glyphs, whose
        // components the subset must add.
        let characters: BTreeSet<char> = "Aé Čő ЖΩ€1".chars().collect();
        let subset = face.subset(&characters).unwrap();
        let mut parsed = ParsedFont::from_bytes(&subset.original_bytes, 0, &mut Vec::new())
            .expect("the subset parses");
        // The final segment of a format 4 `cmap` maps U+FFFF to glyph 0.
        assert_eq!(parsed.codepoint_to_glyph.remove(&0xFFFF), Some(0));
        assert_eq!(parsed.codepoint_to_glyph, subset.codepoint_to_glyph);
        for character in &characters {
            let glyph = parsed.lookup_glyph_index(*character as u32).unwrap();
            assert_eq!(
                parsed.get_glyph_width(glyph),
                face.advance(*character),
                "advance of {character:?}"
            );
        }
        assert!(
            parsed.glyph_widths.len() > characters.len() + 1,
            "no component glyph was added"
        );
        assert_eq!(parsed.glyph_widths, subset.glyph_widths);
    }
}

//! A TrueType subsetter for glyf-based fonts such as DejaVu Sans.
//!
//! The font's tables are located and its `loca` and `hmtx` decoded once per
//! process (`Outlines::parse`), so that building a subset only copies the used
//! glyphs. A subset keeps glyph 0 (.notdef), the requested glyphs and the
//! components of composite glyphs, renumbered from 0 in ascending order of
//! their original glyph ids, with a Unicode `cmap` for the requested
//! characters. It keeps the tables a PDF viewer needs to draw the outlines
//! (`cmap`, `glyf`, `head`, `hhea`, `hmtx`, `loca`, `maxp`, `OS/2`) and leaves
//! out the hinting programs, names and kerning.

use std::collections::{BTreeMap, BTreeSet};

/// Flags of a component record in a composite glyph (OpenType `glyf` table).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

/// Deepest nesting of composite glyphs followed. The bound stops a malformed
/// font whose composite glyph refers to itself.
const MAX_COMPONENT_DEPTH: usize = 8;

/// The parsed tables of a glyf-based font that a subset copies from.
pub struct Outlines {
    head: &'static [u8],
    hhea: &'static [u8],
    maxp: &'static [u8],
    os2: &'static [u8],
    glyf: &'static [u8],
    /// Start of each glyph in `glyf`, plus the end of the last one.
    offsets: Vec<u32>,
    /// Advance width and left side bearing of each glyph.
    metrics: Vec<(u16, i16)>,
}

fn read_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

impl Outlines {
    /// Parses the table directory, `loca` and `hmtx` of a TrueType font.
    /// Returns an error naming the missing or malformed table.
    pub fn parse(font: &'static [u8]) -> Result<Outlines, String> {
        let table_count = read_u16(font, 4).ok_or("the table directory is truncated")?;
        let mut tables = BTreeMap::new();
        for index in 0..usize::from(table_count) {
            let record = 12 + 16 * index;
            let tag = font
                .get(record..record + 4)
                .ok_or("the table directory is truncated")?;
            let offset = read_u32(font, record + 8).ok_or("the table directory is truncated")?;
            let length = read_u32(font, record + 12).ok_or("the table directory is truncated")?;
            let start = offset as usize;
            let table = font
                .get(start..start + length as usize)
                .ok_or("a table lies beyond the end of the file")?;
            tables.insert(tag, table);
        }
        let table = |tag: &[u8]| {
            tables.get(tag).copied().ok_or_else(|| {
                format!(
                    "the font has no '{}' table",
                    String::from_utf8_lossy(tag).trim_end()
                )
            })
        };

        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let maxp = table(b"maxp")?;
        let glyf = table(b"glyf")?;
        let loca = table(b"loca")?;
        let hmtx = table(b"hmtx")?;
        let glyph_count = usize::from(read_u16(maxp, 4).ok_or("'maxp' is truncated")?);
        let long_offsets = read_u16(head, 50).ok_or("'head' is truncated")? == 1;
        let offsets = (0..=glyph_count)
            .map(|glyph| {
                if long_offsets {
                    read_u32(loca, glyph * 4)
                } else {
                    read_u16(loca, glyph * 2).map(|half| u32::from(half) * 2)
                }
            })
            .collect::<Option<Vec<u32>>>()
            .ok_or("'loca' is truncated")?;

        if offsets.windows(2).any(|pair| pair[0] > pair[1])
            || offsets.last().is_some_and(|end| *end as usize > glyf.len())
        {
            return Err("'loca' points outside 'glyf'".into());
        }

        let long_metrics = usize::from(read_u16(hhea, 34).ok_or("'hhea' is truncated")?);
        if long_metrics == 0 || long_metrics > glyph_count {
            return Err("'hhea' has an invalid numberOfHMetrics".into());
        }
        let mut metrics = Vec::with_capacity(glyph_count);
        for glyph in 0..glyph_count {
            let (advance, bearing_at) = if glyph < long_metrics {
                (read_u16(hmtx, glyph * 4), glyph * 4 + 2)
            } else {
                let last = (long_metrics - 1) * 4;
                (
                    read_u16(hmtx, last),
                    long_metrics * 4 + (glyph - long_metrics) * 2,
                )
            };
            let bearing = read_u16(hmtx, bearing_at).map(|bits| bits as i16);
            match (advance, bearing) {
                (Some(advance), Some(bearing)) => metrics.push((advance, bearing)),
                _ => return Err("'hmtx' is truncated".into()),
            }
        }
        Ok(Outlines {
            head,
            hhea,
            maxp,
            os2: table(b"OS/2")?,
            glyf,
            offsets,
            metrics,
        })
    }

    fn glyph(&self, glyph: u16) -> &'static [u8] {
        let index = usize::from(glyph);
        match (self.offsets.get(index), self.offsets.get(index + 1)) {
            (Some(start), Some(end)) => &self.glyf[*start as usize..*end as usize],
            _ => &[],
        }
    }

    /// Calls `visit` with the offset of each component's glyph id inside a
    /// composite glyph's data. Does nothing for a simple or empty glyph.
    fn for_each_component(data: &[u8], mut visit: impl FnMut(usize)) {
        let is_composite = read_u16(data, 0).is_some_and(|contours| (contours as i16) < 0);
        if !is_composite {
            return;
        }
        let mut at = 10;
        while let Some(flags) = read_u16(data, at) {
            if at + 4 > data.len() {
                return;
            }
            visit(at + 2);
            at += 4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 {
                4
            } else {
                2
            };
            at += if flags & WE_HAVE_A_SCALE != 0 {
                2
            } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
                4
            } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
                8
            } else {
                0
            };
            if flags & MORE_COMPONENTS == 0 {
                return;
            }
        }
    }

    /// Builds a TrueType font holding glyph 0, the glyphs of `characters`
    /// and their components. `characters` maps each character to its glyph
    /// id in the full font. Returns the font file and the new glyph id of
    /// each kept glyph, keyed by its id in the full font.
    pub fn subset(&self, characters: &BTreeMap<char, u16>) -> (Vec<u8>, BTreeMap<u16, u16>) {
        let glyph_count = self.metrics.len();
        let mut kept: BTreeSet<u16> = BTreeSet::from([0]);
        let mut pending: Vec<(u16, usize)> = characters
            .values()
            .filter(|glyph| usize::from(**glyph) < glyph_count)
            .map(|glyph| (*glyph, 0))
            .collect();
        while let Some((glyph, depth)) = pending.pop() {
            if depth > MAX_COMPONENT_DEPTH || !kept.insert(glyph) {
                continue;
            }
            let data = self.glyph(glyph);
            Self::for_each_component(data, |at| {
                if let Some(component) = read_u16(data, at) {
                    if usize::from(component) < glyph_count && !kept.contains(&component) {
                        pending.push((component, depth + 1));
                    }
                }
            });
        }
        let new_ids: BTreeMap<u16, u16> = kept
            .iter()
            .enumerate()
            .map(|(new, old)| (*old, new as u16))
            .collect();

        let glyf_length: usize = kept
            .iter()
            .map(|glyph| self.glyph(*glyph).len().next_multiple_of(4))
            .sum();
        let mut glyf = Vec::with_capacity(glyf_length);
        let mut loca = Vec::with_capacity((kept.len() + 1) * 4);
        let mut hmtx = Vec::with_capacity(kept.len() * 4);
        for old in &kept {
            loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
            let start = glyf.len();
            let data = self.glyph(*old);
            glyf.extend_from_slice(data);
            // Components are renumbered like every other glyph.
            Self::for_each_component(data, |at| {
                let component = read_u16(data, at).unwrap_or(0);
                let new = new_ids.get(&component).copied().unwrap_or(0);
                glyf[start + at..start + at + 2].copy_from_slice(&new.to_be_bytes());
            });
            // Each glyph starts on a 4-byte boundary.
            glyf.resize(glyf.len().next_multiple_of(4), 0);
            let (advance, bearing) = self.metrics[usize::from(*old)];
            hmtx.extend_from_slice(&advance.to_be_bytes());
            hmtx.extend_from_slice(&bearing.to_be_bytes());
        }
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());

        let count = kept.len() as u16;
        let mut head = self.head.to_vec();
        // checksumAdjustment is written once the whole file is known, and
        // indexToLocFormat 1 selects the 32-bit `loca` written above.
        head[8..12].fill(0);
        head[50..52].copy_from_slice(&1u16.to_be_bytes());
        let mut hhea = self.hhea.to_vec();
        hhea[34..36].copy_from_slice(&count.to_be_bytes());
        let mut maxp = self.maxp.to_vec();
        maxp[4..6].copy_from_slice(&count.to_be_bytes());
        let mapped: BTreeMap<char, u16> = characters
            .iter()
            .map(|(character, old)| (*character, new_ids.get(old).copied().unwrap_or(0)))
            .collect();

        let tables: [(&[u8; 4], &[u8]); 8] = [
            (b"OS/2", self.os2),
            (b"cmap", &unicode_cmap(&mapped)),
            (b"glyf", &glyf),
            (b"head", &head),
            (b"hhea", &hhea),
            (b"hmtx", &hmtx),
            (b"loca", &loca),
            (b"maxp", &maxp),
        ];
        let mut font = assemble(&tables);
        // head.checksumAdjustment makes the whole file sum to 0xB1B0AFBA.
        let adjustment = 0xB1B0_AFBA_u32.wrapping_sub(checksum(&font));
        let head_at = read_u32(&font, 12 + 16 * 3 + 8).unwrap_or(0) as usize;
        font[head_at + 8..head_at + 12].copy_from_slice(&adjustment.to_be_bytes());
        (font, new_ids)
    }

    /// Advance width of `glyph` in font units, 0 for an id beyond the font.
    pub fn advance(&self, glyph: u16) -> u16 {
        self.metrics
            .get(usize::from(glyph))
            .map_or(0, |(advance, _)| *advance)
    }
}

/// Builds a `cmap` table with a format 4 subtable (Windows, Unicode BMP) and,
/// when a character lies beyond the BMP, a format 12 subtable (Windows,
/// Unicode full repertoire). Each character gets its own segment or group,
/// which a subset of a few hundred characters keeps small.
fn unicode_cmap(mapped: &BTreeMap<char, u16>) -> Vec<u8> {
    let bmp: Vec<(u16, u16)> = mapped
        .iter()
        .filter_map(|(character, glyph)| Some((u16::try_from(*character as u32).ok()?, *glyph)))
        .filter(|(code, _)| *code != 0xFFFF)
        .collect();
    let wide = bmp.len() < mapped.len();

    let segments = bmp.len() + 1;
    let mut format4 = Vec::with_capacity(16 + segments * 8);
    let mut search_range = 2u16;
    let mut selector = 0u16;
    while usize::from(search_range) * 2 <= segments * 2 {
        search_range *= 2;
        selector += 1;
    }
    let doubled = (segments * 2) as u16;
    for value in [4, (16 + segments * 8) as u16, 0, doubled, search_range] {
        format4.extend_from_slice(&value.to_be_bytes());
    }
    format4.extend_from_slice(&selector.to_be_bytes());
    format4.extend_from_slice(&doubled.wrapping_sub(search_range).to_be_bytes());
    let codes = bmp.iter().map(|(code, _)| *code).chain([0xFFFF]);
    codes
        .clone()
        .for_each(|end| format4.extend_from_slice(&end.to_be_bytes()));
    format4.extend_from_slice(&[0, 0]);
    codes.for_each(|start| format4.extend_from_slice(&start.to_be_bytes()));
    // idDelta makes (code + delta) mod 65536 the glyph id; the final segment
    // maps 0xFFFF to glyph 0.
    let deltas = bmp.iter().map(|(code, glyph)| glyph.wrapping_sub(*code));
    deltas
        .chain([1])
        .for_each(|delta| format4.extend_from_slice(&delta.to_be_bytes()));
    format4.extend(std::iter::repeat_n(0, segments * 2));

    let mut format12 = Vec::new();
    if wide {
        let length = 16 + mapped.len() * 12;
        format12.extend_from_slice(&12u16.to_be_bytes());
        format12.extend_from_slice(&0u16.to_be_bytes());
        format12.extend_from_slice(&(length as u32).to_be_bytes());
        format12.extend_from_slice(&0u32.to_be_bytes());
        format12.extend_from_slice(&(mapped.len() as u32).to_be_bytes());
        for (character, glyph) in mapped {
            let code = *character as u32;
            format12.extend_from_slice(&code.to_be_bytes());
            format12.extend_from_slice(&code.to_be_bytes());
            format12.extend_from_slice(&u32::from(*glyph).to_be_bytes());
        }
    }

    let subtable_count: u16 = if wide { 2 } else { 1 };
    let header = 4 + 8 * usize::from(subtable_count);
    let mut cmap = Vec::with_capacity(header + format4.len() + format12.len());
    cmap.extend_from_slice(&0u16.to_be_bytes());
    cmap.extend_from_slice(&subtable_count.to_be_bytes());
    cmap.extend_from_slice(&[0, 3, 0, 1]);
    cmap.extend_from_slice(&(header as u32).to_be_bytes());
    if wide {
        cmap.extend_from_slice(&[0, 3, 0, 10]);
        cmap.extend_from_slice(&((header + format4.len()) as u32).to_be_bytes());
    }
    cmap.extend_from_slice(&format4);
    cmap.extend_from_slice(&format12);
    cmap
}

/// Sums a table as big-endian 32-bit words, the last one padded with zeros.
fn checksum(data: &[u8]) -> u32 {
    let words = data.chunks_exact(4);
    let rest = words.remainder();
    let sum = words.fold(0u32, |sum, word| {
        sum.wrapping_add(u32::from_be_bytes([word[0], word[1], word[2], word[3]]))
    });
    let mut last = [0u8; 4];
    last[..rest.len()].copy_from_slice(rest);
    sum.wrapping_add(u32::from_be_bytes(last))
}

/// Writes an sfnt file from tables sorted by tag, each on a 4-byte boundary.
fn assemble(tables: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let count = tables.len() as u16;
    let mut power = 1u16;
    let mut selector = 0u16;
    while power * 2 <= count {
        power *= 2;
        selector += 1;
    }
    let total: usize = tables.iter().map(|(_, data)| data.len() + 3).sum();
    let mut font = Vec::with_capacity(12 + 16 * tables.len() + total);
    font.extend_from_slice(&0x0001_0000_u32.to_be_bytes());
    for value in [count, power * 16, selector, count * 16 - power * 16] {
        font.extend_from_slice(&value.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    for (tag, data) in tables {
        font.extend_from_slice(*tag);
        font.extend_from_slice(&checksum(data).to_be_bytes());
        font.extend_from_slice(&(offset as u32).to_be_bytes());
        font.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        font.extend_from_slice(data);
        font.resize(font.len().next_multiple_of(4), 0);
    }
    font
}

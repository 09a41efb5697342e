//! The document font, BIZ UDPゴシック (`assets/fonts/`, SIL Open Font License), compiled into
//! the binary: its metrics for layout, and its embedding into a PDF as a subset of the glyphs
//! a document uses.
//!
//! The embedding is a Type 0 font over a CIDFontType2 (TrueType outlines), as PDF 1.7 §9.7
//! describes. Each distinct character of the document gets its own CID (1, 2, …), so that the
//! `/ToUnicode` map gives every CID back its character, also when two characters share a glyph
//! or the font lacks one (it then shows its .notdef box, and copying still yields the
//! character). `/CIDToGIDMap` takes each CID to its glyph in the subset.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

/// The font file.
static FONT_FILE: &[u8] = include_bytes!("../../assets/fonts/BIZUDPGothic-Regular.ttf");

static FACE: LazyLock<Face<'static>> = LazyLock::new(|| {
    Face::parse(FONT_FILE, 0).expect("the vendored font is a valid TrueType font")
});

/// PDF glyph space: widths in thousandths of the font size.
const PDF_UNITS: f32 = 1000.0;

const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Size of the font file compiled into the binary, in bytes.
pub fn file_size() -> usize {
    FONT_FILE.len()
}

fn face() -> &'static Face<'static> {
    &FACE
}

fn glyph_of(c: char) -> GlyphId {
    face().glyph_index(c).unwrap_or(GlyphId(0))
}

/// The advance of a character in thousandths of the font size.
fn advance(c: char) -> f32 {
    let face = face();
    let units = face.glyph_hor_advance(glyph_of(c)).unwrap_or(0);
    f32::from(units) * PDF_UNITS / f32::from(face.units_per_em())
}

/// The width of a line of text at a size, in points.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(advance).sum::<f32>() * size / PDF_UNITS
}

/// Whether the font draws this character (rather than its .notdef box).
pub fn covers(c: char) -> bool {
    face().glyph_index(c).is_some()
}

/// The characters a document uses, each with the CID it is written with.
#[derive(Debug, Default)]
pub struct Usage {
    cids: BTreeMap<char, u16>,
}

impl Usage {
    /// The two-byte CIDs of a text, registering new characters as they come.
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let next = u16::try_from(self.cids.len() + 1).unwrap_or(u16::MAX);
            let cid = *self.cids.entry(c).or_insert(next);
            out.extend_from_slice(&cid.to_be_bytes());
        }
        out
    }
}

/// The object numbers the font takes.
pub struct FontRefs {
    /// The Type 0 font, the one pages refer to.
    pub font: Ref,
    cid_font: Ref,
    descriptor: Ref,
    file: Ref,
    to_unicode: Ref,
    cid_to_gid: Ref,
}

impl FontRefs {
    /// Six consecutive object numbers from `first`.
    pub fn starting_at(first: i32) -> Self {
        Self {
            font: Ref::new(first),
            cid_font: Ref::new(first + 1),
            descriptor: Ref::new(first + 2),
            file: Ref::new(first + 3),
            to_unicode: Ref::new(first + 4),
            cid_to_gid: Ref::new(first + 5),
        }
    }

    /// How many object numbers [`FontRefs::starting_at`] takes.
    pub const COUNT: i32 = 6;
}

/// The font could not be subset (it cannot happen with the vendored font; kept as an error
/// rather than a panic).
#[derive(Debug, thiserror::Error)]
#[error("cannot subset the document font: {0}")]
pub struct SubsetError(String);

/// Writes the font objects for the characters in `usage`; returns the size of the embedded
/// font program in bytes (before compression).
pub fn embed(pdf: &mut Pdf, refs: &FontRefs, usage: &Usage) -> Result<usize, SubsetError> {
    let face = face();
    let by_cid: Vec<(u16, char)> = {
        let mut v: Vec<(u16, char)> = usage.cids.iter().map(|(&c, &cid)| (cid, c)).collect();
        v.sort_unstable();
        v
    };
    let mut remapper = GlyphRemapper::new();
    let new_gids: Vec<u16> = by_cid
        .iter()
        .map(|&(_, c)| remapper.remap(glyph_of(c).0))
        .collect();
    let program =
        subsetter::subset(FONT_FILE, 0, &remapper).map_err(|e| SubsetError(e.to_string()))?;
    let base_name = format!("{}+{}", subset_tag(&new_gids), postscript_name());
    let base_name = Name(base_name.as_bytes());

    pdf.type0_font(refs.font)
        .base_font(base_name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid_font)
        .to_unicode(refs.to_unicode);

    let scale = PDF_UNITS / f32::from(face.units_per_em());
    let notdef_width = f32::from(face.glyph_hor_advance(GlyphId(0)).unwrap_or(0)) * scale;
    let mut cid_font = pdf.cid_font(refs.cid_font);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base_name)
        .system_info(SYSTEM_INFO)
        .font_descriptor(refs.descriptor)
        .default_width(notdef_width)
        .cid_to_gid_map_stream(refs.cid_to_gid);
    if !by_cid.is_empty() {
        cid_font
            .widths()
            .consecutive(1, by_cid.iter().map(|&(_, c)| advance(c)));
    }
    cid_font.finish();

    let bbox = face.global_bounding_box();
    let mut flags = FontFlags::SYMBOLIC;
    if face.is_monospaced() {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(refs.descriptor)
        .name(base_name)
        .flags(flags)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(face.italic_angle())
        .ascent(f32::from(face.ascender()) * scale)
        .descent(f32::from(face.descender()) * scale)
        .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
        // Not in TrueType fonts; the usual estimate for a regular weight.
        .stem_v(80.0)
        .font_file2(refs.file);

    let compressed = deflate(&program);
    pdf.stream(refs.file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(program.len()).unwrap_or(i32::MAX),
        );

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
    for &(cid, c) in &by_cid {
        cmap.pair(cid, c);
    }
    let cmap = deflate(&cmap.finish());
    pdf.stream(refs.to_unicode, &cmap)
        .filter(Filter::FlateDecode);

    // CID 0 is .notdef; CID n is the n-th character's glyph in the subset.
    let mut map = vec![0u8, 0u8];
    for gid in &new_gids {
        map.extend_from_slice(&gid.to_be_bytes());
    }
    let map = deflate(&map);
    pdf.stream(refs.cid_to_gid, &map)
        .filter(Filter::FlateDecode);
    Ok(program.len())
}

/// The PostScript name of the font ("BIZUDPGothic-Regular").
fn postscript_name() -> String {
    face()
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .filter(|n| n.bytes().all(|b| b.is_ascii_graphic() && b != b'/'))
        .unwrap_or_else(|| "BIZUDPGothic-Regular".to_string())
}

/// The six capital letters that mark a subset (PDF 1.7 §9.6.4), from the glyphs it holds, so
/// that two different subsets get different names.
fn subset_tag(gids: &[u16]) -> String {
    let mut hasher = Sha256::new();
    for gid in gids {
        hasher.update(gid.to_be_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// zlib, as `/FlateDecode` expects.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_japanese_names_and_measures_full_width_text() {
        for c in "受講証明書山田太郎髙橋﨑德ＡＢＣabc①〜".chars() {
            assert!(covers(c), "{c}");
        }
        assert!(!covers('\u{1F600}'), "no emoji in a document font");
        // Full-width characters are one em wide; Latin letters are proportional.
        assert!((text_width("受講", 10.0) - 20.0).abs() < 0.01);
        assert!(text_width("il", 10.0) < text_width("MW", 10.0));
        assert_eq!(postscript_name(), "BIZUDPGothic-Regular");
    }

    #[test]
    fn characters_get_stable_cids_in_order_of_first_use() {
        let mut usage = Usage::default();
        assert_eq!(usage.encode("証明証"), vec![0, 1, 0, 2, 0, 1]);
        assert_eq!(usage.encode("明a"), vec![0, 2, 0, 3]);
    }

    #[test]
    fn subset_tags_are_six_capitals_that_differ_with_the_glyphs() {
        let a = subset_tag(&[1, 2, 3]);
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|b| b.is_ascii_uppercase()));
        assert_ne!(a, subset_tag(&[1, 2, 4]));
    }
}

//! PDF documents drawn on the server: A4 pages of text, rules, frames and QR codes, with
//! Japanese text as real text (copy, search and `pdftotext` read it back) in the embedded
//! document font, subset to the glyphs the document uses ([`font`]).
//!
//! Knows no feature: a feature lays out its pages with [`Page`] and calls [`write`]. Written
//! over `pdf-writer` (objects and content streams) and `subsetter` (the font subset); the few
//! font objects a CID font needs are written here, where `krilla`, the high-level crate over
//! the same two, would have brought some fifty more crates for features this does not use.
//!
//! Coordinates are points (1/72 inch) from the top-left corner of the page, as a layout reads;
//! they are turned into PDF's bottom-left origin when the page is written.

pub mod font;

use chrono::{Datelike, NaiveDateTime, Timelike};
use pdf_writer::{Content, Date, Filter, Name, Pdf, Rect, Ref, Str, TextStr};

/// The A4 page, portrait: width and height in points.
pub const A4: (f32, f32) = (595.28, 841.89);

/// Points in a millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// The font's resource name in every page.
const FONT_NAME: Name<'static> = Name(b"F1");

/// A colour, each part from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color(pub f32, pub f32, pub f32);

impl Color {
    /// Black.
    pub const BLACK: Color = Color(0.0, 0.0, 0.0);
    /// The grey of secondary text.
    pub const GREY: Color = Color(0.35, 0.35, 0.35);
}

/// Where a line of text is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `x` is the left end.
    Left,
    /// `x` is the middle.
    Center,
    /// `x` is the right end.
    Right,
}

#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        color: Color,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        pen: Pen,
    },
    Frame {
        area: Area,
        pen: Pen,
    },
    Fill {
        area: Area,
        color: Color,
    },
}

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pen {
    width: f32,
    color: Color,
}

/// A rectangle by its top-left corner, width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Area {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// One A4 page being laid out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    marks: Vec<Mark>,
}

/// A QR code could not hold the data (more than about 2 KB).
#[derive(Debug, thiserror::Error)]
#[error("the data does not fit in a QR code")]
pub struct QrTooLong;

impl Page {
    /// An empty page.
    pub fn new() -> Self {
        Self::default()
    }

    /// One line of text with its baseline at `baseline`.
    pub fn text(&mut self, text: &str, x: f32, baseline: f32, size: f32, align: Align) {
        self.text_in(text, x, baseline, size, align, Color::BLACK);
    }

    /// One line of text in a colour.
    pub fn text_in(
        &mut self,
        text: &str,
        x: f32,
        baseline: f32,
        size: f32,
        align: Align,
        color: Color,
    ) {
        let width = font::text_width(text, size);
        let left = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        self.marks.push(Mark::Text {
            x: left,
            baseline,
            size,
            color,
            text: text.to_string(),
        });
    }

    /// Text broken into lines no wider than `width` (see [`wrap`]), the first baseline at
    /// `baseline`; returns the baseline after the last line.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        text: &str,
        x: f32,
        baseline: f32,
        width: f32,
        size: f32,
        leading: f32,
        align: Align,
    ) -> f32 {
        let mut y = baseline;
        for line in wrap(text, width, size) {
            self.text(&line, x, y, size, align);
            y += leading;
        }
        y
    }

    /// A straight line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, color: Color) {
        self.marks.push(Mark::Line {
            from,
            to,
            pen: Pen { width, color },
        });
    }

    /// The outline of a rectangle whose top-left corner is at (`x`, `y`).
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, color: Color) {
        self.marks.push(Mark::Frame {
            area: Area { x, y, w, h },
            pen: Pen { width, color },
        });
    }

    /// A filled rectangle.
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.marks.push(Mark::Fill {
            area: Area { x, y, w, h },
            color,
        });
    }

    /// A QR code of `data` (error correction M), `size` points square including the quiet
    /// zone of four modules, drawn as filled rectangles so that it stays sharp at any zoom and
    /// in print.
    pub fn qr_code(&mut self, data: &str, x: f32, y: f32, size: f32) -> Result<(), QrTooLong> {
        let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M)
            .map_err(|_| QrTooLong)?;
        let modules = code.width();
        let colors = code.to_colors();
        let quiet = 4;
        let module = size / (modules + 2 * quiet) as f32;
        for (row, line) in colors.chunks(modules).enumerate() {
            // Runs of dark modules in a row become one rectangle each.
            let mut col = 0;
            while col < modules {
                if line[col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < modules && line[col] == qrcode::Color::Dark {
                    col += 1;
                }
                self.fill(
                    x + (quiet + start) as f32 * module,
                    y + (quiet + row) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                    Color::BLACK,
                );
            }
        }
        Ok(())
    }
}

/// Characters that may not begin a line (行頭禁則): they stay at the end of the line before.
const NO_LINE_START: &str =
    "、。，．・：；？！）］｝」』】〕〉》ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.:;?!)]}";

/// Breaks text into lines no wider than `width` at `size`: between any two Japanese characters
/// (keeping closing punctuation and small kana with what they follow), and at spaces between
/// Latin words; a word longer than a line is broken where it has to be.
pub fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in pieces(text) {
        let candidate = format!("{line}{piece}");
        let fits = font::text_width(candidate.trim_end(), size) <= width;
        let clings = piece
            .chars()
            .next()
            .is_some_and(|c| NO_LINE_START.contains(c));
        if fits || (clings && !line.trim().is_empty()) {
            line = candidate;
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        // A word wider than a line (a long URL) is cut where it has to be.
        let mut parts = break_overlong(piece.trim_start(), width, size);
        line = parts.pop().unwrap_or_default();
        lines.extend(parts);
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The units a line may break between: a Japanese character, or a Latin word with the spaces
/// before it.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let wide = u32::from(c) >= 0x2E80;
        if wide {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(c.to_string());
        } else if c == ' ' && !word.trim().is_empty() {
            out.push(std::mem::take(&mut word));
            word.push(c);
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A word cut into pieces no wider than the line, character by character.
fn break_overlong(line: &str, width: f32, size: f32) -> Vec<String> {
    if font::text_width(line, size) <= width {
        return vec![line.to_string()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for c in line.chars() {
        current.push(c);
        if font::text_width(&current, size) > width && current.chars().count() > 1 {
            current.pop();
            out.push(std::mem::take(&mut current));
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// What the document says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The title a viewer shows.
    pub title: String,
    /// Who made it (the organisation).
    pub author: String,
    /// When, in UTC.
    pub created: NaiveDateTime,
}

/// What went wrong writing a document.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A document needs at least one page.
    #[error("a document needs at least one page")]
    NoPages,
    /// The font could not be subset.
    #[error(transparent)]
    Font(#[from] font::SubsetError),
}

/// A written document and what it holds.
#[derive(Debug, Clone)]
pub struct Written {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// The size of the embedded font subset, uncompressed.
    pub font_bytes: usize,
}

/// Writes pages into one PDF.
pub fn write(pages: &[Page], info: &DocumentInfo) -> Result<Written, PdfError> {
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info_ref = Ref::new(3);
    let font_refs = font::FontRefs::starting_at(4);
    let first_page = 4 + font::FontRefs::COUNT;
    let page_refs: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            let n = first_page + 2 * i32::try_from(i).unwrap_or(i32::MAX / 4);
            (Ref::new(n), Ref::new(n + 1))
        })
        .collect();

    pdf.catalog(catalog).pages(tree).lang(TextStr("ja"));
    pdf.pages(tree)
        .kids(page_refs.iter().map(|&(page, _)| page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.document_info(info_ref)
        .title(TextStr(&info.title))
        .author(TextStr(&info.author))
        .producer(TextStr("secunity"))
        .creation_date(pdf_date(info.created));

    let mut usage = font::Usage::default();
    for (page, &(page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let content = font::deflate(&draw(page, &mut usage));
        pdf.stream(content_ref, &content)
            .filter(Filter::FlateDecode);
        let mut writer = pdf.page(page_ref);
        writer
            .parent(tree)
            .media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
            .contents(content_ref);
        writer.resources().fonts().pair(FONT_NAME, font_refs.font);
    }
    let font_bytes = font::embed(&mut pdf, &font_refs, &usage)?;
    Ok(Written {
        bytes: pdf.finish(),
        font_bytes,
    })
}

fn pdf_date(utc: NaiveDateTime) -> Date {
    let clamp = |v: u32| u8::try_from(v).unwrap_or(0);
    Date::new(u16::try_from(utc.year()).unwrap_or(2000))
        .month(clamp(utc.month()))
        .day(clamp(utc.day()))
        .hour(clamp(utc.hour()))
        .minute(clamp(utc.minute()))
        .second(clamp(utc.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

fn stroke_with(content: &mut Content, pen: Pen) -> &mut Content {
    let Color(r, g, b) = pen.color;
    content.set_stroke_rgb(r, g, b).set_line_width(pen.width)
}

/// The content stream of a page.
fn draw(page: &Page, usage: &mut font::Usage) -> Vec<u8> {
    let height = A4.1;
    let mut content = Content::new();
    for mark in &page.marks {
        match mark {
            Mark::Text {
                x,
                baseline,
                size,
                color,
                text,
            } => {
                let cids = usage.encode(text);
                content
                    .set_fill_rgb(color.0, color.1, color.2)
                    .begin_text()
                    .set_font(FONT_NAME, *size)
                    .next_line(*x, height - baseline)
                    .show(Str(&cids))
                    .end_text();
            }
            Mark::Line { from, to, pen } => {
                stroke_with(&mut content, *pen)
                    .move_to(from.0, height - from.1)
                    .line_to(to.0, height - to.1)
                    .stroke();
            }
            Mark::Frame { area, pen } => {
                let Area { x, y, w, h } = *area;
                stroke_with(&mut content, *pen)
                    .rect(x, height - y - h, w, h)
                    .stroke();
            }
            Mark::Fill { area, color } => {
                let Area { x, y, w, h } = *area;
                content
                    .set_fill_rgb(color.0, color.1, color.2)
                    .rect(x, height - y - h, w, h)
                    .fill_nonzero();
            }
        }
    }
    content.finish().into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_text_wraps_between_characters_and_keeps_punctuation() {
        let size = 10.0;
        // Ten full-width characters are 100 pt wide.
        let lines = wrap("中小製造業向け体験型、演習", 100.0, size);
        assert_eq!(lines, vec!["中小製造業向け体験型、", "演習"]);
        let lines = wrap("中小製造業向け体験型演習", 100.0, size);
        assert_eq!(lines, vec!["中小製造業向け体験型", "演習"]);
        let latin = wrap("Cyber security for overseas business", 90.0, size);
        assert!(latin.len() > 1);
        assert!(
            latin
                .iter()
                .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
        );
        assert_eq!(latin.join(" "), "Cyber security for overseas business");
        let url = wrap(&"a".repeat(80), 100.0, size);
        assert!(url.len() > 1);
        assert!(url.iter().all(|l| font::text_width(l, size) <= 100.0));
        assert!(wrap("", 100.0, size).is_empty());
    }

    #[test]
    fn an_empty_document_is_refused() {
        let info = DocumentInfo {
            title: "t".into(),
            author: "a".into(),
            created: chrono::NaiveDate::from_ymd_opt(2026, 4, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        };
        assert!(matches!(write(&[], &info), Err(PdfError::NoPages)));
    }
}

//! The text of an uploaded report, whatever encoding the tool (or Excel) saved it in.
//!
//! Detected, in this order: a byte-order mark (UTF-8, UTF-16LE, UTF-16BE); NUL bytes, which
//! only UTF-16 without a mark has among these (the zero half of each ASCII character tells
//! the byte order); valid UTF-8; and Shift_JIS, what Excel on Japanese Windows writes when it
//! saves "CSV (コンマ区切り)". Decoding is strict: a file with bytes invalid in the detected
//! encoding is refused rather than read with replacement characters.
//!
//! `encoding_rs` (MIT OR Apache-2.0, with BSD-3-Clause data; already built for actix-http)
//! does the UTF-16 and Shift_JIS decoding. Its `Shift_JIS` is the WHATWG one, i.e. Windows-31J
//! (CP932) with the NEC and IBM extensions (①, ㈱, 髙 ...), which is what Excel writes.

use serde::Serialize;

/// The encoding a report was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceEncoding {
    /// UTF-8 without a byte-order mark (also plain ASCII).
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16 little-endian (with or without a byte-order mark).
    Utf16Le,
    /// UTF-16 big-endian (with or without a byte-order mark).
    Utf16Be,
    /// Shift_JIS (Windows-31J).
    ShiftJis,
}

/// How many leading bytes are looked at for NUL bytes.
const SNIFF: usize = 4096;

/// The text of `bytes` and the encoding it was in; `None` when it is none of the above.
pub fn decode(bytes: &[u8]) -> Option<(String, SourceEncoding)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .ok()
            .map(|t| (t, SourceEncoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, SourceEncoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, SourceEncoding::Utf16Be);
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if head.contains(&0) {
        let zeros_at_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let zeros_at_even = head.iter().step_by(2).filter(|b| **b == 0).count();
        let order = if zeros_at_odd >= zeros_at_even {
            SourceEncoding::Utf16Le
        } else {
            SourceEncoding::Utf16Be
        };
        return utf16(bytes, order);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), SourceEncoding::Utf8));
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t.into_owned(), SourceEncoding::ShiftJis))
}

fn utf16(bytes: &[u8], order: SourceEncoding) -> Option<(String, SourceEncoding)> {
    let encoding = match order {
        SourceEncoding::Utf16Be => encoding_rs::UTF_16BE,
        _ => encoding_rs::UTF_16LE,
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t.into_owned(), order))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Name\tEmail\n九州 太郎\ttaro@example.jp\n";

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    fn utf16be(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        out
    }

    #[test]
    fn every_encoding_the_reports_arrive_in() {
        let expect = |bytes: &[u8], encoding| {
            assert_eq!(decode(bytes), Some((TEXT.to_string(), encoding)));
        };
        expect(TEXT.as_bytes(), SourceEncoding::Utf8);
        expect(
            &[b"\xEF\xBB\xBF", TEXT.as_bytes()].concat(),
            SourceEncoding::Utf8Bom,
        );
        expect(&utf16le(TEXT, true), SourceEncoding::Utf16Le);
        expect(&utf16le(TEXT, false), SourceEncoding::Utf16Le);
        expect(&utf16be(TEXT, true), SourceEncoding::Utf16Be);
        expect(&utf16be(TEXT, false), SourceEncoding::Utf16Be);
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(TEXT);
        assert!(!unmappable);
        expect(&sjis, SourceEncoding::ShiftJis);
    }

    #[test]
    fn windows_31j_extensions_decode() {
        // ① (NEC row 13) and 髙 (IBM extension), as Excel writes them.
        assert_eq!(
            decode(b"\x87\x40\xfb\xfc"),
            Some(("①髙".to_string(), SourceEncoding::ShiftJis))
        );
    }

    #[test]
    fn bytes_of_no_supported_encoding_are_refused() {
        // 0x80 alone is neither UTF-8 nor Shift_JIS; a lone surrogate is not UTF-16.
        assert_eq!(decode(b"Name,\x80\xFF\n"), None);
        assert_eq!(decode(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0]), None);
        assert_eq!(decode(&[0xEF, 0xBB, 0xBF, 0xC3]), None);
    }
}

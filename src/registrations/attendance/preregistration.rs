//! The files the meeting tools import to pre-register participants, from the confirmed online
//! registrants (name and email), so that the meeting's registrant list matches ours.
//!
//! - **Zoom** (meeting or webinar registration → "Import from CSV"): comma-separated, columns
//!   in the order email, first name, last name (Zoom's help, "CSVのアップロードでミーティング登録者
//!   をインポートする": 列Aはメールアドレス、列Bは名、列Cは姓; the webinar article names them
//!   `email, first_name, last_name`, at most 2 MB). Written as UTF-8 without a byte-order
//!   mark (which an importer reading headings by name could take as part of the first one),
//!   CRLF, with the heading row `Email,First Name,Last Name`.
//! - **Webex**: Webex reads "CSV (for English data only) and Unicode tab-delimited text (for
//!   non-English data and mixed language data)" (help.webex.com, "CSV File Format for Cisco
//!   Webex User Accounts"), so the file is UTF-16LE with a byte-order mark, tab-separated,
//!   CRLF, with the headings `First Name, Last Name, Email`. The exact headings of the
//!   registrant import template were not found in the sources searched; compare them with the
//!   template the site offers before relying on this shape (one line in [`ImportShape::headings`]).
//!
//! Names are split into given and family names the way the tools' forms ask for them: a name
//! with a space in Japanese script is 姓 (first word) then 名 (the rest); a name in Latin
//! script is the given names then the family name (last word); a name without a space goes
//! whole into the first name, the last name left empty. Cells that a spreadsheet would take for
//! a formula (leading `= + - @`, tab or CR) get a leading `'`, as in our other exports: staff
//! may open the file in Excel before importing it.

use serde::Serialize;

/// A tool whose import file can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportShape {
    /// Zoom's registrant import.
    Zoom,
    /// Webex's registrant import.
    Webex,
}

/// One person to pre-register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invitee<'a> {
    /// Name as registered.
    pub name: &'a str,
    /// Email as registered.
    pub email: &'a str,
}

impl ImportShape {
    /// The heading row.
    pub fn headings(self) -> [&'static str; 3] {
        match self {
            ImportShape::Zoom => ["Email", "First Name", "Last Name"],
            ImportShape::Webex => ["First Name", "Last Name", "Email"],
        }
    }

    /// The suggested file name.
    pub fn file_name(self, seminar_id: i64) -> String {
        match self {
            ImportShape::Zoom => format!("zoom-registrants-{seminar_id}.csv"),
            ImportShape::Webex => format!("webex-registrants-{seminar_id}.csv"),
        }
    }

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            ImportShape::Zoom => "text/csv; charset=utf-8",
            ImportShape::Webex => "text/csv; charset=utf-16le",
        }
    }

    fn row(self, invitee: &Invitee<'_>) -> [String; 3] {
        let (given, family) = split_name(invitee.name);
        let email = invitee.email.trim().to_string();
        match self {
            ImportShape::Zoom => [email, given, family],
            ImportShape::Webex => [given, family, email],
        }
    }
}

/// The file for `shape`, with one row per invitee in the given order.
pub fn write(shape: ImportShape, invitees: &[Invitee<'_>]) -> Vec<u8> {
    let delimiter = match shape {
        ImportShape::Zoom => b',',
        ImportShape::Webex => b'\t',
    };
    let rows = std::iter::once(shape.headings().map(str::to_string))
        .chain(invitees.iter().map(|i| shape.row(i)));
    let text = crate::csv_file::records(delimiter, rows);
    match shape {
        ImportShape::Zoom => text.into_bytes(),
        ImportShape::Webex => {
            let mut out = vec![0xFF, 0xFE];
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            out
        }
    }
}

fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // kana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' // kanji
        | '\u{FF66}'..='\u{FF9F}') // half-width katakana
}

/// Given and family name (see the module documentation).
pub fn split_name(name: &str) -> (String, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [one] => (one.to_string(), String::new()),
        [first, rest @ ..] if name.chars().any(is_japanese) => (rest.join(" "), first.to_string()),
        [given @ .., last] => (given.join(" "), last.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitees() -> Vec<Invitee<'static>> {
        vec![
            Invitee {
                name: "九州 太郎",
                email: "taro@example.jp",
            },
            Invitee {
                name: "Mary Ann Smith",
                email: " Mary@Example.com ",
            },
            Invitee {
                name: "佐賀花子",
                email: "hanako@example.jp",
            },
            Invitee {
                name: "=HYPERLINK(\"x\")",
                email: "x@example.jp",
            },
        ]
    }

    #[test]
    fn names_split_as_the_forms_ask() {
        let split = |n| split_name(n);
        assert_eq!(split("九州 太郎"), ("太郎".into(), "九州".into()));
        assert_eq!(split("九州　太郎"), ("太郎".into(), "九州".into()));
        assert_eq!(split("Mary Ann Smith"), ("Mary Ann".into(), "Smith".into()));
        assert_eq!(split("佐賀花子"), ("佐賀花子".into(), String::new()));
        assert_eq!(split("  "), (String::new(), String::new()));
    }

    #[test]
    fn the_zoom_file_is_utf8_comma_separated_email_first() {
        let bytes = write(ImportShape::Zoom, &invitees());
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(!text.starts_with('\u{feff}'));
        assert_eq!(
            text,
            "Email,First Name,Last Name\r\n\
             taro@example.jp,太郎,九州\r\n\
             Mary@Example.com,Mary Ann,Smith\r\n\
             hanako@example.jp,佐賀花子,\r\n\
             x@example.jp,\"'=HYPERLINK(\"\"x\"\")\",\r\n"
        );
    }

    #[test]
    fn the_webex_file_is_utf16le_tab_separated() {
        let bytes = write(ImportShape::Webex, &invitees()[..2]);
        assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        let text = String::from_utf16(&units).expect("utf-16");
        assert_eq!(
            text,
            "First Name\tLast Name\tEmail\r\n太郎\t九州\ttaro@example.jp\r\n\
             Mary Ann\tSmith\tMary@Example.com\r\n"
        );
    }

    #[test]
    fn our_own_reader_reads_the_files_back() {
        // The Webex file decodes like a Webex export would, and keeps every person.
        let bytes = write(ImportShape::Webex, &invitees());
        let (text, encoding) = super::super::decode::decode(&bytes).expect("decodes");
        assert_eq!(encoding, super::super::decode::SourceEncoding::Utf16Le);
        let rows = super::super::table::rows(&text, b'\t');
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[3].cells, ["佐賀花子", "", "hanako@example.jp"]);
    }

    #[test]
    fn no_invitees_give_the_headings_alone() {
        let text = String::from_utf8(write(ImportShape::Zoom, &[])).expect("utf-8");
        assert_eq!(text, "Email,First Name,Last Name\r\n");
    }
}

//! CSV files as staff open them: in Excel, in Japan. One writer for every export (registrations,
//! survey answers, subscribers, reports, the meeting tools' pre-registration lists): the `csv`
//! crate does the quoting, every cell goes through one formula neutraliser, and Excel files get
//! a UTF-8 BOM and CRLF line ends (without the BOM, Excel in Japan reads UTF-8 as Shift_JIS).

use std::borrow::Cow;

use actix_web::HttpResponse;

/// A cell that a spreadsheet would read as a formula (a leading `= + - @`, tab or CR) gets a
/// leading `'`, which Excel shows as text (CSV injection). A lone `-`, the mark of a withheld
/// figure or an empty value, is no formula and stays as it is.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if value != "-" && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The records as CSV text with `delimiter` and CRLF line ends, every cell defused.
pub fn records<R, C>(delimiter: u8, rows: R) -> String
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect();
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&cells);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A whole file for Excel: the BOM, then the rows, comma-separated.
pub fn excel_document<R, C>(rows: R) -> String
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut out = String::from("\u{feff}");
    out.push_str(&records(b',', rows));
    out
}

/// The download response of a CSV file (not cached: it holds what staff may see only).
pub fn attachment(
    filename: &str,
    body: impl actix_web::body::MessageBody + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(cell: &str) -> String {
        records(b',', [[cell]]).trim_end_matches("\r\n").to_string()
    }

    #[test]
    fn cells_are_defused_and_quoted() {
        assert_eq!(one("=1+1"), "'=1+1");
        assert_eq!(one("+81-90"), "'+81-90");
        assert_eq!(one("-1"), "'-1");
        assert_eq!(one("-"), "-");
        assert_eq!(one("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(one("\t=1"), "'\t=1");
        assert_eq!(one("\r=1"), "\"'\r=1\"");
        assert_eq!(one("a,b"), "\"a,b\"");
        assert_eq!(one("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(one("株式会社テスト"), "株式会社テスト");
        assert_eq!(records(b',', [["a", "b"], ["c", "d"]]), "a,b\r\nc,d\r\n");
        assert_eq!(records(b'\t', [["a", "b"]]), "a\tb\r\n");
    }

    #[test]
    fn an_excel_file_starts_with_the_bom_and_reads_back() {
        let text = excel_document([vec!["氏名", "会社"], vec!["山田", "=HYPERLINK(1)"]]);
        assert!(text.starts_with('\u{feff}'));
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[1], "'=HYPERLINK(1)");
    }
}

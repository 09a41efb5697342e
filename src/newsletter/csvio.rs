//! CSV of subscribers: the staff import (validated as a whole: one bad row, nothing imported)
//! and the export (UTF-8 with BOM, CRLF, formula-like cells prefixed with `'`).

use super::subscribe::Import;
use crate::validate::{self, Invalid};

/// Most rows one import takes.
pub const MAX_ROWS: usize = 50_000;

/// A rejected row: line number (the header is line 1) and message.
pub type RowError = (usize, String);

/// Parses and checks an import; every bad row is reported, and then none is imported.
pub fn parse_import(
    text: &str,
    default_topics: &[String],
    known_topics: &[String],
    lang: views::Lang,
) -> Result<Vec<Import>, Vec<RowError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![(1, e.to_string())]),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(email_col) = col("email") else {
        return Err(vec![(1, "email".into())]);
    };
    let (name_col, company_col, topics_col) = (col("name"), col("company"), col("topics"));
    let msg = |e: Invalid, field: &str| format!("{field}: {}", e.message(lang));
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push((line, e.to_string()));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() + errors.len() >= MAX_ROWS {
            errors.push((line, format!("> {MAX_ROWS}")));
            break;
        }
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let email = validate::email(get(Some(email_col))).map_err(|e| msg(e, "email"));
        let name = validate::line(get(name_col), false, 100).map_err(|e| msg(e, "name"));
        let company = validate::line(get(company_col), false, 200).map_err(|e| msg(e, "company"));
        let topics_text = get(topics_col);
        let topics: Result<Vec<String>, String> = if topics_text.is_empty() {
            Ok(default_topics.to_vec())
        } else {
            let list: Vec<String> = topics_text
                .split([';', ' ', ','])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            super::forms::check_topics(&list, known_topics).map_err(|e| msg(e, "topics"))
        };
        match (email, name, company, topics) {
            (Ok(email), Ok(name), Ok(company), Ok(topics)) => rows.push(Import {
                email,
                name,
                company,
                topics,
                confirmed: true,
            }),
            (e, n, c, t) => {
                let all: Vec<String> = [e.err(), n.err(), c.err(), t.err()]
                    .into_iter()
                    .flatten()
                    .collect();
                errors.push((line, all.join(" / ")));
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Writes rows as CSV for Excel in Japan (UTF-8 with BOM, CRLF, safe cells: [`crate::csv_file`]).
pub fn write(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let head = headers.iter().map(|h| h.to_string()).collect::<Vec<_>>();
    crate::csv_file::excel_document(std::iter::once(&head).chain(rows)).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_all_reported_and_good_ones_not_returned() {
        let known = vec!["events".to_string(), "alerts".to_string()];
        let ok = parse_import(
            "\u{feff}email,name,topics\nA@example.jp,山田,events;alerts\nb@example.jp,,\n",
            &["events".into()],
            &known,
            views::Lang::Ja,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].email, "a@example.jp");
        assert_eq!(ok[1].topics, vec!["events"]);
        let bad = parse_import(
            "email,name,topics\nok@example.jp,a,\nnot-an-address,b,\nc@example.jp,c,bogus\n",
            &[],
            &known,
            views::Lang::Ja,
        )
        .unwrap_err();
        assert_eq!(bad.iter().map(|e| e.0).collect::<Vec<_>>(), vec![3, 4]);
    }

    #[test]
    fn exports_are_excel_safe() {
        let bytes = write(&["a", "b"], &[vec!["=1+1".into(), "株式会社".into()]]);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("a,b\r\n'=1+1,株式会社\r\n"));
    }
}

//! The "upcoming seminars" block: shown on the subscribe page and insertable into an issue
//! (the compose form's "insert upcoming seminars" button appends it as Markdown).
//!
//! The seminars come from the programme: published, not yet ended, soonest first.

use diesel::QueryResult;
use views::Lang;

use crate::db::DbConn;

/// One upcoming seminar.
#[derive(Debug, Clone)]
pub struct Upcoming {
    /// Title.
    pub title: String,
    /// Date and time, formatted for people.
    pub when: String,
    /// Absolute URL of its page.
    pub url: String,
}

/// The next published seminars, soonest first (at most `limit`).
pub fn list(
    conn: &mut DbConn,
    base_url: &str,
    lang: Lang,
    limit: i64,
) -> QueryResult<Vec<Upcoming>> {
    let seminars = crate::seminars::queries::next_published(conn, crate::time::now_utc(), limit)?;
    Ok(seminars
        .into_iter()
        .map(|s| Upcoming {
            when: crate::time::format_datetime(s.starts_at, lang),
            url: format!("{base_url}/seminars/{}", s.id),
            title: s.title,
        })
        .collect())
}

/// The block as Markdown for an issue (empty when there is no seminar).
pub fn markdown(items: &[Upcoming], lang: Lang) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut out = format!("## {}\n\n", lang.t("newsletter.upcoming_title"));
    for s in items {
        let title = s.title.replace(['[', ']'], "");
        out.push_str(&format!("- {} [{}]({})\n", s.when, title, s.url));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_lists_each_seminar_with_its_link() {
        let md = markdown(
            &[Upcoming {
                title: "中小製造業向け体験型演習".into(),
                when: "2027年3月8日(月) 13:00".into(),
                url: "https://secunity.example/seminars/7".into(),
            }],
            Lang::Ja,
        );
        assert!(md.starts_with("## "));
        assert!(md.contains("[中小製造業向け体験型演習](https://secunity.example/seminars/7)"));
        assert_eq!(markdown(&[], Lang::Ja), "");
    }
}

//! Japanese search over board posts.
//!
//! Every post keeps a `search_text` column: its title, description and labels, NFKC-normalized
//! (full-width ＡＢＣ and half-width ｶﾀｶﾅ become one form) and lower-cased, written by this code
//! whenever the post changes. Terms of three or more characters use a trigram index (SQLite
//! FTS5 `trigram`, PostgreSQL `pg_trgm`); shorter terms (医療, 端末) cannot form a trigram
//! and fall back to `LIKE '%term%'` on the same normalized column.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use unicode_normalization::UnicodeNormalization;

use crate::db::DbConn;

/// NFKC and lower case: the one form stored and searched.
pub fn normalize(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// The terms of a query: normalized, split on white space, at most 5, each at most 50 chars.
pub fn terms(query: &str) -> Vec<String> {
    normalize(query)
        .split_whitespace()
        .filter(|t| !t.is_empty())
        .take(5)
        .map(|t| t.chars().take(50).collect())
        .collect()
}

/// Escapes `%`, `_` and the escape character for a `LIKE ... ESCAPE '\'` pattern.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Writes the search index row of a post (SQLite FTS5; on PostgreSQL the column's trigram
/// index is maintained by the database itself).
pub fn index_post(conn: &mut DbConn, kind: &str, id: i64, text: &str) -> QueryResult<()> {
    if let DbConn::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM matching_fts WHERE kind = ? AND post_id = ?")
            .bind::<Text, _>(kind)
            .bind::<BigInt, _>(id)
            .execute(c)?;
        diesel::sql_query("INSERT INTO matching_fts (kind, post_id, body) VALUES (?, ?, ?)")
            .bind::<Text, _>(kind)
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(text)
            .execute(c)?;
    }
    Ok(())
}

/// Removes a post from the search index.
pub fn unindex_post(conn: &mut DbConn, kind: &str, id: i64) -> QueryResult<()> {
    if let DbConn::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM matching_fts WHERE kind = ? AND post_id = ?")
            .bind::<Text, _>(kind)
            .bind::<BigInt, _>(id)
            .execute(c)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct PostId {
    #[diesel(sql_type = BigInt)]
    post_id: i64,
}

/// On SQLite, the ids of posts of `kind` whose text matches a trigram term (3+ characters);
/// `None` on PostgreSQL, where the `LIKE` on the indexed column is the trigram search.
pub fn fts_ids(conn: &mut DbConn, kind: &str, term: &str) -> QueryResult<Option<Vec<i64>>> {
    let DbConn::Sqlite(c) = conn else {
        return Ok(None);
    };
    // A quoted FTS5 string: the term is matched as a substring, never parsed as syntax.
    let quoted = format!("\"{}\"", term.replace('"', "\"\""));
    let rows: Vec<PostId> = diesel::sql_query(
        "SELECT CAST(post_id AS INTEGER) AS post_id FROM matching_fts WHERE kind = ? AND body MATCH ?",
    )
    .bind::<Text, _>(kind)
    .bind::<Text, _>(quoted)
    .load(c)?;
    Ok(Some(rows.into_iter().map(|r| r.post_id).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_case_do_not_matter() {
        assert_eq!(normalize("ＥＤＲ　ｾｷｭﾘﾃｨ"), "edr セキュリティ");
        assert_eq!(terms(" 医療　端末 "), vec!["医療", "端末"]);
        assert_eq!(like_pattern("10%_a"), "%10\\%\\_a%");
    }
}

//! The Atom feed (RFC 4287) of the archive. Written by hand: a dozen elements with escaped
//! text do not need an XML or feed crate.

use super::campaigns::{self, Campaign};

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn stamp(t: chrono::NaiveDateTime) -> String {
    crate::time::rfc3339(t)
}

/// The feed of the given published campaigns (newest first).
pub fn atom(base_url: &str, title: &str, list: &[Campaign]) -> String {
    let base = base_url.trim_end_matches('/');
    let updated = list
        .iter()
        .filter_map(|c| c.started_at)
        .max()
        .map_or_else(|| "2026-01-01T00:00:00+09:00".to_string(), stamp);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    out.push_str(&format!("  <id>{base}/newsletter/archive</id>\n"));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{base}/newsletter/archive.atom\"/>\n"
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" href=\"{base}/newsletter/archive\"/>\n"
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    for c in list {
        let url = format!("{base}/newsletter/archive/{}", c.id);
        let at = stamp(c.started_at.unwrap_or(c.updated_at));
        let html = campaigns::render(c).html;
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml_escape(&c.subject)));
        out.push_str(&format!("    <id>{url}</id>\n"));
        out.push_str(&format!("    <link rel=\"alternate\" href=\"{url}\"/>\n"));
        out.push_str(&format!("    <updated>{at}</updated>\n"));
        out.push_str("    <author><name>地域SECUNITY</name></author>\n");
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&html)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            xml_escape("<a & \"b\">\u{1}"),
            "&lt;a &amp; &quot;b&quot;&gt;"
        );
    }
}

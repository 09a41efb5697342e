//! The one Markdown renderer of the service (seminar descriptions, newsletter issues): to
//! sanitized HTML (pulldown-cmark, then ammonia) and to a readable plain-text part for mails.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The HTML of a Markdown body, with anything unsafe (scripts, event handlers, `javascript:`
/// links) removed.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options()));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// The plain-text part: paragraphs, `■` headings, `・` list items, links as `text (URL)`; raw
/// HTML dropped. Written on the parser's events because a mail's text part is its own format.
pub fn to_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut links: Vec<(String, usize)> = Vec::new();
    let mut list_depth = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => out.push_str("■ "),
            Event::End(TagEnd::Heading(_)) => out.push_str("\n\n"),
            Event::End(TagEnd::Paragraph) => {
                out.push_str(if list_depth > 0 { "\n" } else { "\n\n" })
            }
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                out.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                out.push('・');
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push((dest_url.to_string(), out.len()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start)) = links.pop()
                    && out.get(start..).is_some_and(|t| t.trim() != url)
                {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => out.push_str("----------------------------------------\n\n"),
            Event::End(TagEnd::CodeBlock) => out.push('\n'),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            _ => {}
        }
    }
    let mut text = out.trim().to_string();
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_sanitized() {
        let h =
            to_html("# 見出し\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) **太字**");
        assert!(h.contains("<h1>見出し</h1>"));
        assert!(!h.contains("<script"));
        assert!(!h.contains("javascript:"));
        assert!(h.contains("<strong>太字</strong>"));
    }

    #[test]
    fn text_is_readable() {
        let t = to_text(
            "# 補助金のお知らせ\n\n公募が始まりました。\n\n- 一つ目\n- [詳細](https://example.jp/a)\n\n<b>raw</b> 以上",
        );
        assert!(t.starts_with("■ 補助金のお知らせ\n\n公募が始まりました。\n\n・一つ目\n・詳細 (https://example.jp/a)\n"), "{t}");
        assert!(!t.contains("<b>"));
        assert!(t.ends_with("以上\n"), "{t}");
    }
}

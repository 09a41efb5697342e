//! Charts drawn on the server as SVG: they read without JavaScript, print well, and carry
//! their numbers as text (and a title for screen readers).

use maud::{Markup, html};

/// A horizontal bar chart of (label, count) pairs, largest scale = the largest count.
pub fn bars(title: &str, rows: &[(String, i64)]) -> Markup {
    const ROW: i64 = 24;
    const LABEL: i64 = 160;
    const BAR: i64 = 260;
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = ROW * rows.len() as i64 + 8;
    let width = LABEL + BAR + 60;
    html! {
        figure.chart {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
                width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } {
                title { (title) }
                @for (i, (label, n)) in rows.iter().enumerate() {
                    @let y = i as i64 * ROW + 4;
                    @let w = (n * BAR / max).max(if *n > 0 { 2 } else { 0 });
                    text x=(LABEL - 8) y=(y + 16) text-anchor="end" font-size="13" { (label) }
                    rect x=(LABEL) y=(y + 3) width=(w) height=(ROW - 8) fill="#0031d8" {}
                    text x=(LABEL + w + 6) y=(y + 16) font-size="13" { (n) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars(
            "都道府県別",
            &[
                ("福岡県".into(), 10),
                ("<佐賀県>".into(), 5),
                ("長崎県".into(), 0),
            ],
        )
        .into_string();
        assert!(svg.contains("width=\"260\""));
        assert!(svg.contains("width=\"130\""));
        assert!(svg.contains("&lt;佐賀県&gt;"));
        assert!(svg.contains("<title>都道府県別</title>"));
    }
}

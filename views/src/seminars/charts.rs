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

/// Registrations over time: one column per day with its count, and the running total as a
/// line with its final value. `days` are (date label, count) in order, days with none
/// included; `daily` and `total` name the two series in the legend.
pub fn timeline(title: &str, days: &[(String, i64)], daily: &str, total: &str) -> Markup {
    const TOP: i64 = 32;
    const PLOT: i64 = 140;
    const LEFT: i64 = 8;
    const RIGHT: i64 = 64;
    const BOTTOM: i64 = 40;
    let n = days.len().max(1) as i64;
    // Columns narrow as the days grow; below 16 px the per-day numbers would collide, so they
    // move into each column's tooltip title (still text, read out by screen readers).
    let pitch = (640 / n).clamp(6, 36);
    let numbers = pitch >= 16;
    // A date label is about 30 px wide at this size: label the days that have room, counted
    // back from the last one, which is always labelled.
    let label_every = 32_usize.div_ceil(pitch as usize);
    let max = days.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
    let sum: i64 = days.iter().map(|(_, c)| *c).sum::<i64>().max(1);
    // At least as wide as the legend.
    let width = (LEFT + n * pitch + RIGHT).max(220);
    let height = TOP + PLOT + BOTTOM;
    let base = TOP + PLOT;
    let mut running = 0;
    let points: Vec<(i64, i64, i64)> = days
        .iter()
        .enumerate()
        .map(|(i, (_, c))| {
            running += c;
            let x = LEFT + i as i64 * pitch + pitch / 2;
            (x, base - running * PLOT / sum, running)
        })
        .collect();
    let line = points
        .iter()
        .map(|(x, y, _)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        figure.chart.chart-timeline {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
                width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } {
                title { (title) }
                rect x=(LEFT) y="6" width="10" height="10" fill="#0031d8" {}
                text x=(LEFT + 14) y="15" font-size="12" { (daily) }
                line x1=(LEFT + 90) y1="11" x2=(LEFT + 104) y2="11" stroke="#c2410c" stroke-width="2" {}
                text x=(LEFT + 108) y="15" font-size="12" { (total) }
                line x1=(LEFT) y1=(base) x2=(LEFT + n * pitch) y2=(base) stroke="#666" stroke-width="1" {}
                @for (i, (label, count)) in days.iter().enumerate() {
                    @let x = LEFT + i as i64 * pitch;
                    @let h = count * PLOT / max;
                    g {
                        title { (label) ": " (count) }
                        rect x=(x + 1) y=(base - h) width=(pitch - 2) height=(h) fill="#0031d8" {}
                    }
                    @if numbers && *count > 0 {
                        text x=(x + pitch / 2) y=(base - h - 3) text-anchor="middle" font-size="11" { (count) }
                    }
                    @if (days.len() - 1 - i).is_multiple_of(label_every) {
                        text x=(x + pitch / 2) y=(base + 14) text-anchor="middle" font-size="10" { (label) }
                    }
                }
                polyline points=(line) fill="none" stroke="#c2410c" stroke-width="2" {}
                @if let Some((x, y, total)) = points.last() {
                    circle cx=(x) cy=(y) r="3" fill="#c2410c" {}
                    text x=(x + 6) y=(y + 4) font-size="12" fill="#c2410c" { (total) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_shows_every_day_the_counts_and_the_total() {
        let days = vec![
            ("12/1".to_string(), 2),
            ("12/2".to_string(), 0),
            ("<12/3>".to_string(), 3),
        ];
        let svg = timeline("申込数の推移", &days, "日別", "累計").into_string();
        assert!(svg.contains("<title>申込数の推移</title>"));
        // Three columns, the empty day too, each with its count in a title.
        assert_eq!(svg.matches("<rect x=").count(), 4, "{svg}");
        assert!(svg.contains("<title>12/2: 0</title>"));
        assert!(svg.contains("&lt;12/3&gt;"));
        // Numbers as text: the daily counts and the running total at the end of the line.
        assert!(svg.contains(">2</text>") && svg.contains(">3</text>"));
        assert!(svg.contains("fill=\"#c2410c\">5</text>"));
        // The tallest day fills the plot; the line ends at the top.
        assert!(svg.contains("height=\"140\""));
        assert!(
            svg.contains("polyline points=\"26,116 62,116 98,32\""),
            "{svg}"
        );
    }

    #[test]
    fn a_long_timeline_keeps_its_numbers_in_titles() {
        let days: Vec<(String, i64)> = (1..=90).map(|d| (format!("d{d}"), 1)).collect();
        let svg = timeline("t", &days, "a", "b").into_string();
        assert!(svg.contains("<title>d45: 1</title>"));
        assert!(!svg.contains(">1</text>"));
        assert!(svg.contains(">90</text>"));
    }

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

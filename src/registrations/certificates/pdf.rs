//! The certificate of attendance (受講証明書) as a PDF page: A4 portrait, in the form a
//! Japanese company files for training records or a customer's supply-chain audit. One
//! certificate is a one-page document; a seminar's certificates are one document with a page
//! each, for staff to print at once.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::era;
use crate::pdf::{self, A4, Align, Color, DocumentInfo, MM, Page, PdfError};

use super::serial::Serial;

/// The organiser, who issues every certificate.
pub const ISSUER: &str = "九州経済産業局 デジタル経済室";

/// How the attendee took part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attendance {
    /// In the room; the venue as shown on the seminar.
    Onsite {
        /// 「北九州国際会議場」.
        venue: Option<String>,
    },
    /// Online.
    Online,
}

/// What a certificate says, already checked and formatted by its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The attendee's name as registered.
    pub name: String,
    /// Their organisation, if they gave one.
    pub company: Option<String>,
    /// The seminar's title.
    pub seminar_title: String,
    /// Start, stored UTC.
    pub starts_at: NaiveDateTime,
    /// End, stored UTC.
    pub ends_at: NaiveDateTime,
    /// How they attended.
    pub attendance: Attendance,
    /// 主催 as on the seminar (the bureau is among them when it hosts).
    pub hosts: Vec<String>,
    /// 共催.
    pub co_hosts: Vec<String>,
    /// The serial that identifies this certificate.
    pub serial: Serial,
    /// The page that confirms it (`{base}/certificates/{serial}`).
    pub verification_url: String,
    /// The date of issue (Tokyo).
    pub issued_on: NaiveDate,
    /// For a series (連続講座): its sessions and the ones attended (the title is the series').
    pub series: Option<SeriesSessions>,
}

/// The sessions of a series a certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesSessions {
    /// How many sessions the series had.
    pub total: usize,
    /// The sessions attended (start, end; stored UTC), in the order they were held.
    pub attended: Vec<(NaiveDateTime, NaiveDateTime)>,
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    /// The PDF bytes.
    pub bytes: Vec<u8>,
    /// The embedded font subset, uncompressed, in bytes.
    pub font_bytes: usize,
}

const NAVY: Color = Color(0.10, 0.20, 0.40);
const LEFT: f32 = 30.0 * MM;
const LABEL_WIDTH: f32 = 28.0 * MM;
const VALUE_WIDTH: f32 = A4.0 - 2.0 * LEFT - LABEL_WIDTH;

/// One certificate as a one-page PDF.
pub fn render(certificate: &Certificate, created: NaiveDateTime) -> Result<RenderedPdf, PdfError> {
    render_all(std::slice::from_ref(certificate), created)
}

/// Several certificates as one PDF, a page each, in the order given.
pub fn render_all(
    certificates: &[Certificate],
    created: NaiveDateTime,
) -> Result<RenderedPdf, PdfError> {
    let pages: Vec<Page> = certificates.iter().map(page).collect();
    let title = match certificates {
        [one] => format!("受講証明書 {}", one.serial),
        [first, ..] => format!(
            "受講証明書 {}（{}件）",
            first.seminar_title,
            certificates.len()
        ),
        [] => "受講証明書".to_string(),
    };
    let written = pdf::write(
        &pages,
        &DocumentInfo {
            title,
            author: ISSUER.to_string(),
            created,
        },
    )?;
    Ok(RenderedPdf {
        bytes: written.bytes,
        font_bytes: written.font_bytes,
    })
}

fn page(c: &Certificate) -> Page {
    let mut p = Page::new();
    let (width, height) = A4;
    let center = width / 2.0;

    // A double frame, as on a printed certificate.
    p.frame(
        12.0 * MM,
        12.0 * MM,
        width - 24.0 * MM,
        height - 24.0 * MM,
        1.6,
        NAVY,
    );
    p.frame(
        14.5 * MM,
        14.5 * MM,
        width - 29.0 * MM,
        height - 29.0 * MM,
        0.5,
        NAVY,
    );

    let right = width - LEFT;
    p.text_in(
        &format!("証明書番号　{}", c.serial),
        right,
        28.0 * MM,
        9.0,
        Align::Right,
        Color::GREY,
    );

    p.text("受講証明書", center, 62.0 * MM, 32.0, Align::Center);
    p.text_in(
        "Certificate of Attendance",
        center,
        71.0 * MM,
        11.0,
        Align::Center,
        Color::GREY,
    );

    let mut y = 98.0 * MM;
    if let Some(company) = c.company.as_deref().filter(|s| !s.trim().is_empty()) {
        y = p.paragraph(
            company,
            center,
            y,
            VALUE_WIDTH + LABEL_WIDTH,
            13.0,
            19.0,
            Align::Center,
        );
    } else {
        y += 19.0;
    }
    let name = format!("{}　殿", c.name.trim());
    p.text(&name, center, y + 8.0, 22.0, Align::Center);
    let underline = pdf::font::text_width(&name, 22.0).max(80.0 * MM) / 2.0 + 6.0;
    p.line(
        (center - underline, y + 13.0),
        (center + underline, y + 13.0),
        0.7,
        Color::BLACK,
    );

    y += 38.0;
    p.text(
        "上記の者は、下記のセミナーを受講したことを証明します。",
        center,
        y,
        12.0,
        Align::Center,
    );
    y += 28.0;
    p.text("記", center, y, 12.0, Align::Center);
    y += 26.0;

    for (label, value) in items(c) {
        p.text(label, LEFT, y, 11.0, Align::Left);
        y = p.paragraph(
            &value,
            LEFT + LABEL_WIDTH,
            y,
            VALUE_WIDTH,
            11.0,
            17.0,
            Align::Left,
        ) + 7.0;
    }
    p.text("以上", right, y + 6.0, 11.0, Align::Right);

    // The issuer, with the date of issue in both calendars.
    let issued = issue_date(c.issued_on);
    let issuer_top = height - 92.0 * MM;
    p.text(&issued, right, issuer_top, 11.0, Align::Right);
    p.text(ISSUER, right, issuer_top + 24.0, 15.0, Align::Right);

    verification(&mut p, c);
    p
}

/// The rows under 「記」.
fn items(c: &Certificate) -> Vec<(&'static str, String)> {
    let mut rows = match &c.series {
        None => vec![
            ("セミナー名", c.seminar_title.trim().to_string()),
            ("開催日時", schedule(c.starts_at, c.ends_at)),
        ],
        Some(series) => vec![
            ("講座名", c.seminar_title.trim().to_string()),
            (
                "出席回数",
                format!("全{}回のうち{}回", series.total, series.attended.len()),
            ),
            (
                "出席日時",
                series
                    .attended
                    .iter()
                    .map(|(from, to)| schedule(*from, *to))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        ],
    };
    rows.push(("受講形態", attendance(&c.attendance)));
    if !c.hosts.is_empty() {
        rows.push(("主催", c.hosts.join("、")));
    }
    if !c.co_hosts.is_empty() {
        rows.push(("共催", c.co_hosts.join("、")));
    }
    rows
}

/// 「2023年3月8日(水) 13:00〜17:00（4時間）」.
fn schedule(starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> String {
    let span = crate::time::format_span(starts_at, ends_at, views::Lang::Ja);
    let minutes = (ends_at - starts_at).num_minutes().max(0);
    let duration = match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}分"),
        (h, 0) => format!("{h}時間"),
        (h, m) => format!("{h}時間{m}分"),
    };
    format!("{span}（{duration}）")
}

fn attendance(a: &Attendance) -> String {
    match a {
        Attendance::Onsite { venue: Some(v) } if !v.trim().is_empty() => {
            format!("会場参加（{}）", v.trim())
        }
        Attendance::Onsite { .. } => "会場参加".to_string(),
        Attendance::Online => "オンライン参加".to_string(),
    }
}

/// 「発行日　令和8年4月1日（2026年4月1日）」.
fn issue_date(d: NaiveDate) -> String {
    let western = format!("{}年{}月{}日", d.year(), d.month(), d.day());
    match era::format_date(d) {
        Some(wareki) => format!("発行日　{wareki}（{western}）"),
        None => format!("発行日　{western}"),
    }
}

/// The QR code and URL that confirm the certificate, at the foot of the page.
fn verification(p: &mut Page, c: &Certificate) {
    let (_, height) = A4;
    let size = 26.0 * MM;
    let top = height - 52.0 * MM;
    // A URL too long for a QR code (it is ours, so it never is) loses only the picture; the
    // text below still says where to check.
    let _ = p.qr_code(&c.verification_url, LEFT - 3.0 * MM, top, size);
    let x = LEFT + size;
    p.text_in(
        "この証明書の内容は、左のQRコードまたは下記のURLで確認できます。",
        x,
        top + 10.0 * MM,
        8.5,
        Align::Left,
        Color::GREY,
    );
    // The URL may reach into the right margin, so that an ordinary one stays on one line.
    let url_width = A4.0 - x - 20.0 * MM;
    p.paragraph(
        &c.verification_url,
        x,
        top + 15.0 * MM,
        url_width,
        8.0,
        11.0,
        Align::Left,
    );
}

#[cfg(test)]
mod tests {
    use super::super::serial;
    use super::*;
    use lopdf::{Document, Object};

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn sample(name: &str, title: &str) -> Certificate {
        Certificate {
            name: name.into(),
            company: Some("株式会社髙橋精機".into()),
            seminar_title: title.into(),
            // 2023-03-08 13:00–17:00 in Tokyo.
            starts_at: utc("2023-03-08 04:00"),
            ends_at: utc("2023-03-08 08:00"),
            attendance: Attendance::Onsite {
                venue: Some("北九州国際会議場".into()),
            },
            hosts: vec![
                "九州大学サイバーセキュリティセンター".into(),
                "九州オープンイノベーションセンター".into(),
                "九州経済産業局".into(),
            ],
            co_hosts: vec!["北九州産業学術推進機構".into()],
            serial: serial::parse("SEC-2023-7K3M-Q9XD-2HNB-8WT0").unwrap(),
            verification_url:
                "https://secunity.example.jp/certificates/SEC-2023-7K3M-Q9XD-2HNB-8WT0".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            series: None,
        }
    }

    fn created() -> NaiveDateTime {
        utc("2026-04-01 01:00")
    }

    /// The text of each page, as a reader that decodes the font's /ToUnicode map gets it.
    fn page_texts(bytes: &[u8]) -> Vec<String> {
        let doc = Document::load_mem(bytes).unwrap();
        let count = doc.get_pages().len() as u32;
        (1..=count)
            .map(|n| doc.extract_text(&[n]).unwrap())
            .collect()
    }

    fn compact(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn the_certificate_reads_back_as_text() {
        let title = "中小製造業向け体験型演習";
        let rendered = render(&sample("山田 太郎", title), created()).unwrap();
        let texts = page_texts(&rendered.bytes);
        assert_eq!(texts.len(), 1);
        let text = &texts[0];
        for expected in [
            "受講証明書",
            "山田 太郎　殿",
            "株式会社髙橋精機",
            title,
            "上記の者は、下記のセミナーを受講したことを証明します。",
            "2023年3月8日(水) 13:00〜17:00（4時間）",
            "会場参加（北九州国際会議場）",
            "北九州産業学術推進機構",
            "発行日　令和8年4月1日（2026年4月1日）",
            ISSUER,
            "SEC-2023-7K3M-Q9XD-2HNB-8WT0",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
        // Wrapped over two lines on the page.
        assert!(compact(text).contains(
            "九州大学サイバーセキュリティセンター、九州オープンイノベーションセンター、九州経済産業局"
        ));
        assert!(
            compact(text)
                .contains("https://secunity.example.jp/certificates/SEC-2023-7K3M-Q9XD-2HNB-8WT0")
        );
    }

    #[test]
    fn the_font_is_embedded_as_a_subset_of_the_glyphs_used() {
        let rendered = render(&sample("山田 太郎", "演習"), created()).unwrap();
        let full = crate::pdf::font::file_size();
        assert!(
            rendered.font_bytes * 20 < full,
            "subset {} of {full} bytes",
            rendered.font_bytes
        );
        assert!(
            rendered.bytes.len() < 150_000,
            "{} bytes",
            rendered.bytes.len()
        );
        let doc = Document::load_mem(&rendered.bytes).unwrap();
        let mut base_fonts = Vec::new();
        let mut programs = 0;
        for object in doc.objects.values() {
            if let Object::Dictionary(dict) = object {
                if let Ok(Object::Name(name)) = dict.get(b"BaseFont") {
                    base_fonts.push(String::from_utf8_lossy(name).into_owned());
                }
                if dict.get(b"FontFile2").is_ok() {
                    programs += 1;
                }
            }
        }
        assert_eq!(programs, 1, "one embedded TrueType program");
        assert!(!base_fonts.is_empty());
        for name in base_fonts {
            let (tag, rest) = name.split_once('+').expect("a subset tag");
            assert_eq!(tag.len(), 6);
            assert_eq!(rest, "BIZUDPGothic-Regular");
        }
    }

    #[test]
    fn a_seminars_certificates_are_one_document_with_a_page_each() {
        let names = ["山田 太郎", "佐藤 花子", "John Smith"];
        let certificates: Vec<Certificate> = names
            .iter()
            .map(|n| sample(n, "中小製造業向け体験型演習"))
            .collect();
        let rendered = render_all(&certificates, created()).unwrap();
        let texts = page_texts(&rendered.bytes);
        assert_eq!(texts.len(), 3);
        for (i, text) in texts.iter().enumerate() {
            assert!(text.contains(names[i]), "page {i}: {text}");
            for (j, other) in names.iter().enumerate() {
                if i != j {
                    assert!(!text.contains(other), "page {i} shows {other}");
                }
            }
        }
    }

    #[test]
    fn long_titles_wrap_and_still_read_back() {
        let title = "令和5年度 中小企業サイバーセキュリティ対策促進事業 地域SECUNITY形成促進に係るセミナー「サプライチェーン全体で取り組むサイバー攻撃への備え」";
        let rendered = render(&sample("山田 太郎", title), created()).unwrap();
        let text = compact(&page_texts(&rendered.bytes)[0]);
        assert!(text.contains(&compact(title)), "{text}");
    }

    #[test]
    fn characters_the_font_lacks_still_copy_back() {
        // Neither is in the font: the page shows .notdef boxes, the text keeps the characters.
        let rendered = render(
            &sample("山田 太郎 \u{1F600}", "演習 \u{2603}\u{FE0F}"),
            created(),
        )
        .unwrap();
        let text = &page_texts(&rendered.bytes)[0];
        assert!(text.contains('\u{1F600}'), "{text}");
    }

    #[test]
    fn the_lines_under_the_heading_read_naturally() {
        assert_eq!(
            schedule(utc("2023-03-08 04:00"), utc("2023-03-08 05:30")),
            "2023年3月8日(水) 13:00〜14:30（1時間30分）"
        );
        assert_eq!(
            schedule(utc("2023-03-08 04:00"), utc("2023-03-08 04:45")),
            "2023年3月8日(水) 13:00〜13:45（45分）"
        );
        assert_eq!(attendance(&Attendance::Online), "オンライン参加");
        assert_eq!(attendance(&Attendance::Onsite { venue: None }), "会場参加");
        assert_eq!(
            issue_date(NaiveDate::from_ymd_opt(2019, 5, 1).unwrap()),
            "発行日　令和元年5月1日（2019年5月1日）"
        );
        let mut without = sample("a", "b");
        without.co_hosts.clear();
        without.hosts.clear();
        assert_eq!(items(&without).len(), 3);
    }
}

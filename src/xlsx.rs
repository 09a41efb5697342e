//! Excel workbooks (`.xlsx`) for staff downloads, from a typed table model: a workbook of
//! sheets, a sheet of a title, notes and tables, a table of Japanese column headers, rows of
//! cells and an optional total row. Written with `rust_xlsxwriter`.
//!
//! What a reader in a Japanese office gets: numbers stored as numbers (with thousands
//! separators, decimals or percent as the cell says), a withheld figure as a right-aligned
//! 「-」, bold headers, a frozen header row when a sheet holds one table (with several tables
//! on a sheet there is no single header to freeze, so the title block is frozen instead),
//! columns wide enough for their Japanese text, ＭＳ Ｐゴシック as the workbook font, and A4
//! printing one page wide.

use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Workbook as XlsxWorkbook, Worksheet,
    XlsxError,
};

/// A workbook: its title (shown in the file's properties) and its sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    /// The document title, e.g. 「地域SECUNITY 令和8年度 実績報告」.
    pub title: String,
    /// The sheets, in order.
    pub sheets: Vec<Sheet>,
}

/// One sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The tab's name: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
    pub name: String,
    /// The heading in the first row.
    pub title: String,
    /// Lines under the title (period, source, the meaning of 「-」).
    pub notes: Vec<String>,
    /// The tables, one under the other.
    pub tables: Vec<Table>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// A heading above the table, when a sheet holds several.
    pub caption: Option<String>,
    /// The column headers.
    pub headers: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
    /// A total row, written bold under a rule.
    pub totals: Option<Vec<Cell>>,
}

/// A cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number (counts), shown with thousands separators.
    Integer(i64),
    /// A number with a fixed number of decimals (average scores).
    Decimal {
        /// The value.
        value: f64,
        /// Decimals shown (0–6).
        decimals: u8,
    },
    /// A share (0.25 is shown as 25.0%).
    Percent(f64),
    /// A figure withheld from publication, shown as 「-」.
    Withheld,
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// How wide the cell reads, in digits, for the width of its column.
    fn display_width(&self) -> usize {
        match self {
            Cell::Text(s) => text_width(s),
            // Digits and separators: the count of characters in the formatted value.
            Cell::Integer(v) => {
                let digits = v.unsigned_abs().to_string().len();
                digits + (digits - 1) / 3 + usize::from(*v < 0)
            }
            Cell::Decimal { value, decimals } => {
                format!("{value:.*}", usize::from(*decimals)).len() + 2
            }
            Cell::Percent(v) => format!("{:.1}%", v * 100.0).len(),
            Cell::Withheld | Cell::Empty => 1,
        }
    }
}

/// What can go wrong writing a workbook: only a bad sheet name, in practice.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// The writer refused something (a sheet name too long, with a forbidden character, or
    /// used twice).
    #[error("cannot write the workbook: {0}")]
    Write(#[from] XlsxError),
}

/// Width in Excel's units (the width of a digit): a full-width character takes two.
///
/// Written here because `rust_xlsxwriter`'s autofit counts every non-ASCII character as one
/// narrow character, half the width Japanese text needs.
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// East Asian wide and full-width characters (kana, kanji, full-width forms, CJK symbols).
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

const MIN_COLUMN_WIDTH: usize = 6;
const MAX_COLUMN_WIDTH: usize = 60;
/// Excel's A4.
const PAPER_A4: u8 = 9;

/// The formats of a sheet, made once.
struct Formats {
    title: Format,
    caption: Format,
    header: Format,
    integer: Format,
    percent: Format,
    withheld: Format,
    text: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            title: Format::new().set_bold().set_font_size(14),
            caption: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xDDE7F0)
                .set_border_bottom(FormatBorder::Thin),
            integer: Format::new().set_num_format("#,##0"),
            percent: Format::new().set_num_format("0.0%"),
            withheld: Format::new().set_align(FormatAlign::Right),
            text: Format::new(),
        }
    }

    fn decimal(decimals: u8) -> Format {
        let decimals = usize::from(decimals.min(6));
        let pattern = if decimals == 0 {
            "#,##0".to_string()
        } else {
            format!("#,##0.{}", "0".repeat(decimals))
        };
        Format::new().set_num_format(pattern)
    }
}

/// Writes the workbook into `.xlsx` bytes.
pub fn write(book: &Workbook) -> Result<Vec<u8>, WorkbookError> {
    let mut xlsx = XlsxWorkbook::new();
    // The default font of Japanese Excel; 18 px rows and 72 px columns are its metrics.
    let font = Format::new()
        .set_font_name("ＭＳ Ｐゴシック")
        .set_font_size(11)
        .set_font_charset(128);
    xlsx.set_default_format(&font, 18, 72)?;
    xlsx.set_properties(&DocProperties::new().set_title(&book.title));
    let formats = Formats::new();
    for sheet in &book.sheets {
        let worksheet = xlsx.add_worksheet();
        write_sheet(worksheet, sheet, &formats)?;
    }
    Ok(xlsx.save_to_buffer()?)
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, formats: &Formats) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(0, 0, &sheet.title, &formats.title)?;
    let mut row: u32 = 1;
    for note in &sheet.notes {
        ws.write_string(row, 0, note)?;
        row += 1;
    }
    let title_block = row;
    let mut widths: Vec<usize> = Vec::new();
    let mut frozen_header = None;
    for table in &sheet.tables {
        row += 1;
        if let Some(caption) = &table.caption {
            ws.write_string_with_format(row, 0, caption, &formats.caption)?;
            row += 1;
        }
        for (col, header) in table.headers.iter().enumerate() {
            ws.write_string_with_format(row, column(col), header, &formats.header)?;
            widen(&mut widths, col, text_width(header));
        }
        frozen_header.get_or_insert(row);
        row += 1;
        for cells in &table.rows {
            write_row(ws, row, cells, formats, false, &mut widths)?;
            row += 1;
        }
        if let Some(totals) = &table.totals {
            write_row(ws, row, totals, formats, true, &mut widths)?;
            row += 1;
        }
    }
    match (sheet.tables.len(), frozen_header) {
        (1, Some(header)) => ws.set_freeze_panes(header + 1, 0)?,
        _ => ws.set_freeze_panes(title_block, 0)?,
    };
    for (col, width) in widths.iter().enumerate() {
        let width = (width + 2).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
        ws.set_column_width(column(col), width as f64)?;
    }
    Ok(())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    formats: &Formats,
    total: bool,
    widths: &mut Vec<usize>,
) -> Result<(), XlsxError> {
    // A total row is bold under a rule, on top of each cell's own number format.
    let style = |base: &Format| {
        if total {
            base.clone().set_bold().set_border_top(FormatBorder::Thin)
        } else {
            base.clone()
        }
    };
    for (col, cell) in cells.iter().enumerate() {
        let c = column(col);
        match cell {
            Cell::Text(s) => ws.write_string_with_format(row, c, s, &style(&formats.text))?,
            // Counts in this service stay far below 2^53, where f64 is still exact.
            Cell::Integer(v) => {
                ws.write_number_with_format(row, c, *v as f64, &style(&formats.integer))?
            }
            Cell::Decimal { value, decimals } => {
                ws.write_number_with_format(row, c, *value, &style(&Formats::decimal(*decimals)))?
            }
            Cell::Percent(v) => {
                ws.write_number_with_format(row, c, *v, &style(&formats.percent))?
            }
            Cell::Withheld => {
                ws.write_string_with_format(row, c, "-", &style(&formats.withheld))?
            }
            Cell::Empty if total => ws.write_blank(row, c, &style(&formats.text))?,
            Cell::Empty => ws,
        };
        widen(widths, col, cell.display_width());
    }
    Ok(())
}

fn widen(widths: &mut Vec<usize>, col: usize, width: usize) {
    if widths.len() <= col {
        widths.resize(col + 1, 0);
    }
    widths[col] = widths[col].max(width);
}

/// Column index for the writer; tables here are far narrower than Excel's 16,384 columns.
fn column(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use std::io::{Cursor, Read};

    fn report() -> Workbook {
        Workbook {
            title: "地域SECUNITY 令和8年度 実績報告".into(),
            sheets: vec![
                Sheet {
                    name: "セミナー".into(),
                    title: "セミナー（令和8年度）".into(),
                    notes: vec!["「-」は3未満のため秘匿".into()],
                    tables: vec![Table {
                        caption: None,
                        headers: vec!["都道府県".into(), "申込数".into(), "参加率".into()],
                        rows: vec![
                            vec![
                                Cell::text("福岡県"),
                                Cell::Integer(1234),
                                Cell::Percent(0.75),
                            ],
                            vec![Cell::text("佐賀県"), Cell::Withheld, Cell::Empty],
                        ],
                        totals: Some(vec![
                            Cell::text("合計"),
                            Cell::Integer(1236),
                            Cell::Decimal {
                                value: 4.25,
                                decimals: 1,
                            },
                        ]),
                    }],
                },
                Sheet {
                    name: "メールマガジン".into(),
                    title: "メールマガジン".into(),
                    notes: vec![],
                    tables: vec![
                        Table {
                            caption: Some("購読者".into()),
                            headers: vec!["区分".into(), "人数".into()],
                            rows: vec![vec![Cell::text("年度初め"), Cell::Integer(80)]],
                            totals: None,
                        },
                        Table {
                            caption: Some("配信".into()),
                            headers: vec!["トピック".into(), "通数".into()],
                            rows: vec![vec![Cell::text("補助金・公募情報"), Cell::Integer(12)]],
                            totals: None,
                        },
                    ],
                },
            ],
        }
    }

    fn sheet_xml(bytes: &[u8], index: usize) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name(&format!("xl/worksheets/sheet{index}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn a_workbook_reads_back_with_numbers_as_numbers() {
        let bytes = write(&report()).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), vec!["セミナー", "メールマガジン"]);
        let sheet = book.worksheet_range("セミナー").unwrap();
        let at = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(at(0, 0), Data::String("セミナー（令和8年度）".into()));
        assert_eq!(at(1, 0), Data::String("「-」は3未満のため秘匿".into()));
        // Row 2 is the gap before the table; row 3 the headers.
        assert_eq!(at(3, 1), Data::String("申込数".into()));
        assert_eq!(at(4, 0), Data::String("福岡県".into()));
        assert_eq!(at(4, 1), Data::Float(1234.0), "a count is a number");
        assert_eq!(at(4, 2), Data::Float(0.75), "a share is a number");
        assert_eq!(at(5, 1), Data::String("-".into()), "a withheld figure");
        assert_eq!(at(5, 2), Data::Empty);
        assert_eq!(at(6, 0), Data::String("合計".into()));
        assert_eq!(at(6, 1), Data::Float(1236.0));
        assert_eq!(at(6, 2), Data::Float(4.25));

        let second = book.worksheet_range("メールマガジン").unwrap();
        assert_eq!(
            second.get_value((2, 0)),
            Some(&Data::String("購読者".into()))
        );
        assert_eq!(second.get_value((4, 1)), Some(&Data::Float(80.0)));
        assert_eq!(
            second.get_value((7, 0)),
            Some(&Data::String("トピック".into()))
        );
        assert_eq!(second.get_value((8, 1)), Some(&Data::Float(12.0)));
    }

    #[test]
    fn the_header_row_is_frozen_and_columns_fit_japanese_text() {
        let bytes = write(&report()).unwrap();
        let xml = sheet_xml(&bytes, 1);
        // Frozen under the header (row 4, 1-based), i.e. the top-left scrolling cell is A5.
        assert!(
            xml.contains(
                r#"<pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{xml}"
        );
        // 「都道府県」 is four full-width characters: eight digits wide, plus padding.
        assert!(
            xml.contains(r#"<col min="1" max="1" width="10.625" customWidth="1"/>"#),
            "{xml}"
        );
        // Several tables: the title block is frozen instead.
        let second = sheet_xml(&bytes, 2);
        assert!(second.contains(r#"ySplit="1""#), "{second}");
        // A4, one page wide.
        assert!(xml.contains(r#"paperSize="9""#), "{xml}");
    }

    #[test]
    fn headers_are_bold_and_the_workbook_font_is_japanese() {
        let bytes = write(&report()).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut styles = String::new();
        archive
            .by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        assert!(styles.contains("ＭＳ Ｐゴシック"), "{styles}");
        assert!(styles.contains("<b/>"), "{styles}");
        assert!(styles.contains(r#"formatCode="0.0%""#), "{styles}");
    }

    #[test]
    fn a_bad_sheet_name_is_an_error_not_a_panic() {
        let mut book = report();
        book.sheets[0].name = "セミナー[2026]".into();
        assert!(matches!(write(&book), Err(WorkbookError::Write(_))));
        let mut book = report();
        book.sheets[1].name = book.sheets[0].name.clone();
        assert!(matches!(write(&book), Err(WorkbookError::Write(_))));
    }

    #[test]
    fn widths_count_full_width_characters_twice() {
        assert_eq!(text_width("都道府県"), 8);
        assert_eq!(text_width("FY2026"), 6);
        assert_eq!(text_width("ＡＢＣ・カナ"), 12);
        assert_eq!(Cell::Integer(1_234_567).display_width(), 9);
        assert_eq!(Cell::Integer(-5).display_width(), 2);
        assert_eq!(Cell::Percent(0.756).display_width(), 5);
    }
}

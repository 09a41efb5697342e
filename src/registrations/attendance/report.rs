//! Reading an attendance report: which tool wrote it, and one row per person with the time
//! they attended.
//!
//! # What comes out
//!
//! One [`Attendee`] per person, in the order they first appear in the file:
//!
//! - the email as written (`email_raw`) and normalised (`email`: trimmed, lower-cased), or none
//!   when the tool had no address for them (Zoom and Webex guests, Teams' old format), which
//!   leaves them to the name proposals of [`super::names`];
//! - the display name as written (Zoom's `Renamed (Original)` included);
//! - the seconds attended: the sum of their sessions (a person who left and rejoined has
//!   several rows), except that sessions which overlap in time (two devices at once) count
//!   once, as the span from the first join to the last leave of the overlapping ones;
//! - the first join and the last leave, when the file has readable times. They are local
//!   times as the tool displayed them (the host's or the exporting user's time zone, for
//!   these seminars Japan time); the file does not say which.
//!
//! Rows of one person are merged by normalised email, or, without an email, by normalised name
//! (two guests of the same name without an address become one row, which staff then see).
//! Rows whose duration or time cannot be read are not guessed at: their lines are listed in
//! [`AttendanceReport::skipped_lines`].

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::decode::{SourceEncoding, decode};
use super::layout::{Columns, Layout, MeetingTool};
use super::names;
use super::table::{Row, rows};
use super::values::{BareNumber, DateOrder, parse_duration, parse_timestamp};

/// Why a file cannot be read as an attendance report.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    /// Nothing in the file.
    #[error("the file is empty")]
    Empty,
    /// Not UTF-8, UTF-16 or Shift_JIS.
    #[error("the file is not in UTF-8, UTF-16 or Shift_JIS")]
    Encoding,
    /// No table of Zoom, Webex or Teams in it.
    #[error("the file is not an attendance report of Zoom, Webex or Microsoft Teams")]
    NotAReport,
}

impl ReportError {
    /// The catalog key of the message.
    pub fn key(self) -> &'static str {
        match self {
            ReportError::Empty => "registrations.attendance.err_empty",
            ReportError::Encoding => "registrations.attendance.err_encoding",
            ReportError::NotAReport => "registrations.attendance.err_not_a_report",
        }
    }

    /// The message in `lang` (it names the reports and columns that were expected).
    pub fn message(self, lang: views::Lang) -> String {
        lang.t(self.key()).to_string()
    }
}

/// One person in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    /// The address, trimmed and lower-cased; `None` when the row has none.
    pub email: Option<String>,
    /// The address as the tool wrote it (also when it is no address).
    pub email_raw: Option<String>,
    /// The display name as written.
    pub name: String,
    /// Seconds attended (see the module documentation).
    pub seconds: u32,
    /// How many rows of the file were merged into this one.
    pub rows: u32,
    /// The first join, local time as displayed by the tool.
    pub first_join: Option<NaiveDateTime>,
    /// The last leave, local time as displayed by the tool.
    pub last_leave: Option<NaiveDateTime>,
    /// The role the tool gave (organiser, presenter, attendee), when it says.
    pub role: Option<String>,
    /// The line of the file where the person first appears.
    pub line: u64,
}

impl Attendee {
    /// Whole minutes attended, rounded down (so that a threshold is never reached by rounding).
    pub fn minutes(&self) -> u32 {
        self.seconds / 60
    }
}

/// A report as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceReport {
    /// The tool that wrote it.
    pub tool: MeetingTool,
    /// The encoding it was in.
    pub encoding: SourceEncoding,
    /// One row per person.
    pub attendees: Vec<Attendee>,
    /// Lines of the participant table that could not be read (no name, unreadable duration).
    pub skipped_lines: Vec<u64>,
}

impl AttendanceReport {
    /// The people with an email address.
    pub fn with_email(&self) -> impl Iterator<Item = &Attendee> {
        self.attendees.iter().filter(|a| a.email.is_some())
    }

    /// The people without one (to be proposed by name for staff to confirm).
    pub fn without_email(&self) -> impl Iterator<Item = &Attendee> {
        self.attendees.iter().filter(|a| a.email.is_none())
    }
}

/// Reads an uploaded report (the file exactly as the tool, or Excel, saved it).
pub fn read(bytes: &[u8]) -> Result<AttendanceReport, ReportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReportError::Empty);
    }
    let (text, encoding) = decode(bytes).ok_or(ReportError::Encoding)?;
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return Err(ReportError::Empty);
    }
    let table = find_table(&text).ok_or(ReportError::NotAReport)?;
    let mut skipped_lines = Vec::new();
    let sessions = match table.layout {
        Layout::TeamsEvents => event_sessions(&table, &mut skipped_lines),
        _ => row_sessions(&table, &mut skipped_lines),
    };
    Ok(AttendanceReport {
        tool: table.layout.tool(),
        encoding,
        attendees: merge(sessions),
        skipped_lines,
    })
}

/// The participant table of a file: its kind, columns and data rows.
struct Table {
    layout: Layout,
    columns: Columns,
    rows: Vec<Row>,
}

/// The first table of the first layout (in detection order) found in the file, with either
/// delimiter; its rows run from below the header to the first row that ends a table (see
/// [`Row::ends_table`]) or the end of the file.
fn find_table(text: &str) -> Option<Table> {
    let parsed = [rows(text, b'\t'), rows(text, b',')];
    Layout::DETECTION_ORDER.into_iter().find_map(|layout| {
        parsed.iter().find_map(|all| {
            all.iter().enumerate().find_map(|(at, header)| {
                let columns = layout.columns(&header.cells)?;
                let rows = all[at + 1..]
                    .iter()
                    .take_while(|r| !r.ends_table())
                    .cloned()
                    .collect();
                Some(Table {
                    layout,
                    columns,
                    rows,
                })
            })
        })
    })
}

/// One stretch of attendance of one person, from one row (or a join/leave pair).
#[derive(Debug, Clone)]
struct Session {
    line: u64,
    name: String,
    email_raw: Option<String>,
    join: Option<NaiveDateTime>,
    leave: Option<NaiveDateTime>,
    seconds: u32,
    role: Option<String>,
}

fn non_empty(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty()).then(|| cell.to_string())
}

/// A cell that holds an email address (one `@` with something on both sides, no spaces).
fn looks_like_address(cell: &str) -> bool {
    let cell = cell.trim();
    matches!(cell.split_once('@'), Some((local, domain))
        if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
        && !cell.contains(char::is_whitespace)
}

/// The name and address of a row, as written.
fn who(row: &Row, columns: &Columns) -> (String, Option<String>) {
    let mut name = row.cell(columns.name).to_string();
    if name.is_empty() {
        let given = row.cell(columns.first_name);
        let family = row.cell(columns.last_name);
        name = format!("{given} {family}").trim().to_string();
    }
    let email = non_empty(row.cell(columns.email));
    let email = match (&email, non_empty(row.cell(columns.alt_email))) {
        (Some(e), _) if looks_like_address(e) => email,
        (_, Some(alt)) if looks_like_address(&alt) => Some(alt),
        _ => email,
    };
    (name, email)
}

/// Zoom's and Webex's sessions and Teams' totals: one session per row.
fn row_sessions(table: &Table, skipped: &mut Vec<u64>) -> Vec<Session> {
    let columns = &table.columns;
    let order = DateOrder::infer(
        table
            .rows
            .iter()
            .flat_map(|r| [r.cell(columns.join), r.cell(columns.leave)]),
    );
    let mut sessions = Vec::new();
    for row in &table.rows {
        let attended = row.cell(columns.attended).to_lowercase();
        if matches!(attended.as_str(), "no" | "いいえ") {
            // A webinar registrant who did not come: not a skipped line, just not present.
            continue;
        }
        let (name, email_raw) = who(row, columns);
        let seconds = parse_duration(row.cell(columns.duration), BareNumber::Minutes);
        let (Some(seconds), false) = (seconds, name.is_empty() && email_raw.is_none()) else {
            skipped.push(row.line);
            continue;
        };
        sessions.push(Session {
            line: row.line,
            name,
            email_raw,
            join: parse_timestamp(row.cell(columns.join), order),
            leave: parse_timestamp(row.cell(columns.leave), order),
            seconds,
            role: non_empty(row.cell(columns.role)),
        });
    }
    sessions
}

/// Teams' list of joins and leaves, paired into sessions per person: a join ("Joined", or
/// "Joined before" for those already in when the list starts) opens a session, the next
/// leave of that person closes it; a session still open at the end of the list closes at the
/// list's last time; a leave without a join is ignored.
fn event_sessions(table: &Table, skipped: &mut Vec<u64>) -> Vec<Session> {
    let columns = &table.columns;
    let order = DateOrder::infer(table.rows.iter().map(|r| r.cell(columns.timestamp)));
    let mut events = Vec::new();
    for row in &table.rows {
        let (name, email_raw) = who(row, columns);
        let action = row.cell(columns.action).to_lowercase();
        let joined = if action.starts_with("join") {
            true
        } else if action.starts_with("left") || action.starts_with("leave") {
            false
        } else {
            skipped.push(row.line);
            continue;
        };
        match parse_timestamp(row.cell(columns.timestamp), order) {
            Some(at) if !(name.is_empty() && email_raw.is_none()) => {
                events.push((at, joined, row, name, email_raw));
            }
            _ => skipped.push(row.line),
        }
    }
    // By time; at the same second a leave goes before a join (a quick rejoin).
    events.sort_by_key(|(at, joined, row, ..)| (*at, *joined, row.line));
    let end = events.last().map(|(at, ..)| *at);
    let mut open: HashMap<String, Session> = HashMap::new();
    let mut sessions = Vec::new();
    for (at, joined, row, name, email_raw) in events {
        let key = identity(email_raw.as_deref(), &name);
        if joined {
            open.entry(key).or_insert(Session {
                line: row.line,
                name,
                email_raw,
                join: Some(at),
                leave: None,
                seconds: 0,
                role: non_empty(row.cell(columns.role)),
            });
        } else if let Some(session) = open.remove(&key) {
            sessions.push(close(session, at));
        }
    }
    let mut still_open: Vec<Session> = open.into_values().collect();
    still_open.sort_by_key(|s| s.line);
    sessions.extend(
        still_open
            .into_iter()
            .filter_map(|s| end.map(|end| close(s, end))),
    );
    sessions.sort_by_key(|s| s.line);
    sessions
}

fn close(mut session: Session, at: NaiveDateTime) -> Session {
    let seconds = session
        .join
        .map_or(0, |join| (at - join).num_seconds().max(0));
    session.seconds = u32::try_from(seconds).unwrap_or(u32::MAX);
    session.leave = Some(at);
    session
}

/// Whose a session is: the normalised address, or the normalised name without one.
fn identity(email_raw: Option<&str>, name: &str) -> String {
    match email_raw.filter(|e| looks_like_address(e)) {
        Some(email) => format!("email:{}", email.trim().to_lowercase()),
        None => format!("name:{}", names::normalize(name)),
    }
}

/// One attendee per person, in order of first appearance.
fn merge(sessions: Vec<Session>) -> Vec<Attendee> {
    let mut order: Vec<String> = Vec::new();
    let mut by_person: HashMap<String, Vec<Session>> = HashMap::new();
    for session in sessions {
        let key = identity(session.email_raw.as_deref(), &session.name);
        if !by_person.contains_key(&key) {
            order.push(key.clone());
        }
        by_person.entry(key).or_default().push(session);
    }
    order
        .into_iter()
        .filter_map(|key| by_person.remove(&key))
        .map(attendee)
        .collect()
}

fn attendee(sessions: Vec<Session>) -> Attendee {
    let first = sessions[0].clone();
    let email = first
        .email_raw
        .as_deref()
        .filter(|e| looks_like_address(e))
        .map(|e| e.trim().to_lowercase());
    let rows = u32::try_from(sessions.len()).unwrap_or(u32::MAX);
    let first_join = sessions.iter().filter_map(|s| s.join).min();
    let last_leave = sessions.iter().filter_map(|s| s.leave).max();
    let role = sessions.iter().find_map(|s| s.role.clone());
    Attendee {
        email,
        email_raw: first.email_raw,
        name: first.name,
        seconds: attended_seconds(&sessions),
        rows,
        first_join,
        last_leave,
        role,
        line: first.line,
    }
}

/// Sessions of one person that overlap in time.
struct Overlap {
    start: NaiveDateTime,
    end: NaiveDateTime,
    /// The seconds the tool gave, used when the group is one session.
    reported: u32,
    sessions: usize,
}

impl Overlap {
    fn seconds(&self) -> u64 {
        if self.sessions == 1 {
            u64::from(self.reported)
        } else {
            u64::try_from((self.end - self.start).num_seconds()).unwrap_or(0)
        }
    }
}

/// The sum of the sessions' seconds, where sessions that overlap in time count once, as the
/// span of the overlapping group. Sessions without both times are added as they are.
fn attended_seconds(sessions: &[Session]) -> u32 {
    let mut total: u64 = 0;
    let mut timed: Vec<(NaiveDateTime, NaiveDateTime, u32)> = Vec::new();
    for session in sessions {
        match (session.join, session.leave) {
            (Some(join), Some(leave)) => timed.push((join, leave, session.seconds)),
            _ => total += u64::from(session.seconds),
        }
    }
    timed.sort();
    let mut current: Option<Overlap> = None;
    for (join, leave, reported) in timed {
        match &mut current {
            Some(group) if join < group.end => {
                group.end = group.end.max(leave);
                group.sessions += 1;
            }
            _ => {
                total += current.as_ref().map_or(0, Overlap::seconds);
                current = Some(Overlap {
                    start: join,
                    end: leave,
                    reported,
                    sessions: 1,
                });
            }
        }
    }
    total += current.as_ref().map_or(0, Overlap::seconds);
    u32::try_from(total).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/attendance/",
                $name
            ))
        };
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(y, mo, d).and_then(|date| date.and_hms_opt(h, mi, s))
    }

    /// (email, name, minutes, rows) of every attendee.
    fn summary(report: &AttendanceReport) -> Vec<(Option<&str>, &str, u32, u32)> {
        report
            .attendees
            .iter()
            .map(|a| (a.email.as_deref(), a.name.as_str(), a.minutes(), a.rows))
            .collect()
    }

    #[test]
    fn a_zoom_participants_report_with_its_meeting_summary() {
        let report = read(fixture!("zoom_participants_utf8_bom.csv")).expect("report");
        assert_eq!(report.tool, MeetingTool::Zoom);
        assert_eq!(report.encoding, SourceEncoding::Utf8Bom);
        assert_eq!(
            summary(&report),
            [
                (
                    Some("secunity-host@example.go.jp"),
                    "地域SECUNITY 事務局",
                    131,
                    1
                ),
                // Rejoined: two sessions added up.
                (Some("taro.kyushu@example.co.jp"), "九州 太郎", 119, 2),
                (Some("hanako.saga@example.jp"), "Hanako (佐賀 花子)", 126, 1),
                // Two devices at once count once: 14:01 to 15:30.
                (Some("ken.ito@example.com"), "Ito, Ken", 89, 2),
                // A guest without an address.
                (None, "大分 次郎", 66, 1),
            ]
        );
        let taro = &report.attendees[1];
        assert_eq!(taro.email_raw.as_deref(), Some("Taro.Kyushu@Example.co.jp"));
        assert_eq!(taro.first_join, at(2026, 9, 28, 13, 58, 3));
        assert_eq!(taro.last_leave, at(2026, 9, 28, 16, 0, 2));
        assert_eq!(taro.line, 6);
        assert!(report.skipped_lines.is_empty());
        assert_eq!(report.without_email().count(), 1);
        assert_eq!(report.with_email().count(), 4);
    }

    #[test]
    fn a_zoom_report_re_saved_by_japanese_excel_in_shift_jis() {
        let report = read(fixture!("zoom_participants_sjis.csv")).expect("report");
        assert_eq!(report.tool, MeetingTool::Zoom);
        assert_eq!(report.encoding, SourceEncoding::ShiftJis);
        assert_eq!(
            summary(&report),
            [
                (
                    Some("oita-host@example.go.jp"),
                    "宇宙産業セミナー事務局",
                    141,
                    1
                ),
                (Some("sora@example.jp"), "大分\u{3000}宇宙", 124, 1),
                (Some("takahashi@example.jp"), "髙橋 一郎", 58, 1),
                (None, "㈱ＡＢＣ 中津 花子", 117, 1),
                (None, "ｶﾀｶﾅ ﾀﾛｳ", 46, 1),
            ]
        );
        assert_eq!(report.attendees[1].first_join, at(2026, 11, 10, 13, 59, 0));
    }

    #[test]
    fn a_webex_attendee_report_in_utf16_with_excel_text_formulas() {
        let report = read(fixture!("webex_attendees_utf16le.csv")).expect("report");
        assert_eq!(report.tool, MeetingTool::Webex);
        assert_eq!(report.encoding, SourceEncoding::Utf16Le);
        assert_eq!(
            summary(&report),
            [
                (Some("host@example.go.jp"), "北九州 事務局", 256, 1),
                (Some("ichiro@example.co.jp"), "福岡 一郎", 233, 2),
                (Some("sakura.nagasaki@example.jp"), "長崎 さくら", 240, 1),
                (None, "Call-in User_2", 30, 1),
            ]
        );
        let ichiro = &report.attendees[1];
        assert_eq!(ichiro.first_join, at(2023, 3, 8, 12, 58, 40));
        assert_eq!(ichiro.last_leave, at(2023, 3, 8, 17, 0, 0));
    }

    #[test]
    fn a_teams_attendance_report_with_its_three_sections() {
        let report = read(fixture!("teams_attendance_utf16le.csv")).expect("report");
        assert_eq!(report.tool, MeetingTool::Teams);
        assert_eq!(report.encoding, SourceEncoding::Utf16Le);
        // The participants section only: the summary's and activities' rows are not people.
        assert_eq!(
            summary(&report),
            [
                (Some("saga-host@example.go.jp"), "佐賀 事務局", 124, 1),
                (Some("ken.tosu@example.co.jp"), "鳥栖 健", 112, 1),
                (None, "唐津 みどり (Guest)", 90, 1),
                // No email, but the UPN is an address.
                (Some("yoko.imari@example.jp"), "伊万里 陽子", 19, 1),
            ]
        );
        assert_eq!(report.attendees[1].seconds, 6730);
        assert_eq!(report.attendees[0].role.as_deref(), Some("Organizer"));
        assert_eq!(report.attendees[1].first_join, at(2026, 11, 22, 14, 0, 2));
    }

    #[test]
    fn a_teams_attendance_list_of_the_older_kind() {
        let report = read(fixture!("teams_attendance_legacy_utf16le.csv")).expect("report");
        assert_eq!(report.tool, MeetingTool::Teams);
        let seconds: Vec<(&str, u32, u32)> = report
            .attendees
            .iter()
            .map(|a| (a.name.as_str(), a.seconds, a.rows))
            .collect();
        assert_eq!(
            seconds,
            [
                ("熊本 農業事務局", 2 * 3600 + 9 * 60 + 58, 1),
                // Joined before the list, left, rejoined: 44:58 + 1:15:00.
                ("阿蘇 太一", 44 * 60 + 58 + 75 * 60, 2),
                ("天草 真央", 90 * 60, 1),
                // Never left: counted to the list's last time.
                ("人吉 学", 15 * 60, 1),
            ]
        );
        assert!(report.attendees.iter().all(|a| a.email.is_none()));
        assert_eq!(report.attendees[1].last_leave, at(2027, 1, 27, 16, 0, 30));
    }

    #[test]
    fn reading_the_same_file_twice_gives_the_same_report() {
        let bytes = fixture!("webex_attendees_utf16le.csv");
        assert_eq!(read(bytes), read(bytes));
    }

    #[test]
    fn zoom_webinar_registrants_who_did_not_attend_are_left_out() {
        let text = "Attendee Details\n\
            Attended,User Name (Original Name),First Name,Last Name,Email,Join Time,Leave Time,Time in Session (minutes),Is Guest\n\
            Yes,九州 太郎,太郎,九州,taro@example.jp,03/08/2023 01:00:00 PM,03/08/2023 02:00:00 PM,60,No\n\
            No,佐賀 花子,花子,佐賀,hanako@example.jp,--,--,--,No\n";
        let report = read(text.as_bytes()).expect("report");
        assert_eq!(report.tool, MeetingTool::Zoom);
        assert_eq!(
            summary(&report),
            [(Some("taro@example.jp"), "九州 太郎", 60, 1)]
        );
        assert!(report.skipped_lines.is_empty());
    }

    #[test]
    fn a_webex_report_with_split_names_and_plain_headings() {
        let text = "Meeting Name,Display Name,First Name,Last Name,Role,Email,Join Time,Leave Time,Duration\n\
            演習,,一郎,福岡,Attendee,ichiro@example.jp,2023-03-08 13:00:00,2023-03-08 14:30:00,90\n";
        let report = read(text.as_bytes()).expect("report");
        assert_eq!(report.tool, MeetingTool::Webex);
        assert_eq!(
            summary(&report),
            [(Some("ichiro@example.jp"), "一郎 福岡", 90, 1)]
        );
        assert_eq!(report.attendees[0].role.as_deref(), Some("Attendee"));
    }

    #[test]
    fn rows_that_cannot_be_read_are_listed_not_guessed() {
        let text = "Name (Original Name),User Email,Duration (Minutes)\n\
            九州 太郎,taro@example.jp,about an hour\n\
            ,,30\n\
            佐賀 花子,hanako@example.jp,45\n";
        let report = read(text.as_bytes()).expect("report");
        assert_eq!(
            summary(&report),
            [(Some("hanako@example.jp"), "佐賀 花子", 45, 1)]
        );
        assert_eq!(report.skipped_lines, [2, 3]);
    }

    #[test]
    fn an_address_that_is_no_address_is_kept_raw_but_not_matched() {
        let text =
            "Name (Original Name),User Email,Duration (Minutes)\n九州 太郎,taro at example,10\n";
        let report = read(text.as_bytes()).expect("report");
        assert_eq!(report.attendees[0].email, None);
        assert_eq!(
            report.attendees[0].email_raw.as_deref(),
            Some("taro at example")
        );
    }

    #[test]
    fn files_that_are_no_report_are_refused_with_what_was_expected() {
        assert_eq!(read(b""), Err(ReportError::Empty));
        assert_eq!(read(b" \r\n"), Err(ReportError::Empty));
        assert_eq!(read(b"\xEF\xBB\xBF"), Err(ReportError::Empty));
        assert_eq!(read(b"Name,\x80\xFF\n"), Err(ReportError::Encoding));
        // Our own registrations export, a Zoom meeting summary alone, prose.
        let not_reports: [&[u8]; 3] = [
            "\u{feff}氏名,メールアドレス,会社名\r\n九州 太郎,taro@example.jp,九州製作所\r\n".as_bytes(),
            b"Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n1,x,y,z,a@b.jp,3,4\n",
            b"holiday photos, not a report",
        ];
        for bytes in not_reports {
            assert_eq!(read(bytes), Err(ReportError::NotAReport));
        }
        let ja = ReportError::NotAReport.message(views::Lang::Ja);
        let en = ReportError::NotAReport.message(views::Lang::En);
        for expected in [
            "名前 (元の名前)",
            "Attendee Email",
            "In-Meeting Duration",
            "User Action",
        ] {
            assert!(ja.contains(expected), "ja lacks {expected}");
            assert!(en.contains(expected), "en lacks {expected}");
        }
        assert!(ja.contains("Zoom") && ja.contains("Webex") && ja.contains("Teams"));
        for error in [ReportError::Empty, ReportError::Encoding] {
            assert_ne!(error.message(views::Lang::Ja), error.key());
            assert_ne!(error.message(views::Lang::En), error.key());
        }
    }

    #[test]
    fn a_report_with_nobody_in_it_is_an_empty_report() {
        let text =
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n";
        let report = read(text.as_bytes()).expect("report");
        assert!(report.attendees.is_empty());
    }
}

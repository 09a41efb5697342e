//! Online attendance from the meeting tools: reading the attendance reports that Zoom, Webex
//! Meetings and Microsoft Teams export ([`report::read`]), proposing registrants by name for
//! rows without a matching email ([`names::propose`]), and writing the CSV these tools import
//! for pre-registration ([`preregistration`]). Those are pure functions over bytes and
//! strings; [`service`] matches the rows to a seminar's registrations and marks attendance,
//! [`staff`] is its page (upload, name matches to confirm) and [`api`] its endpoint
//! (`POST /api/v1/seminars/{id}/attendance-imports`).
//!
//! # The formats, and where they were checked
//!
//! Column names are compared loosely (case, spaces, full-width forms; see
//! [`table::heading_key`]), and the participant table is found by its header row anywhere in
//! the file, whatever comes before or after it.
//!
//! - **Zoom**, participants report (Reports → Usage → Participants → Export): CSV, UTF-8
//!   (with a BOM in current exports). `Name (Original Name), User Email, Join Time, Leave
//!   Time, Duration (Minutes), Guest, Recording Consent, In Waiting Room`, one row per session;
//!   "Export with meeting data" puts a summary table (`Meeting ID, Topic, Start Time, End Time,
//!   User Email, Duration (Minutes), Participants` and one row) and an empty line before it.
//!   Japanese exports: `名前 (元の名前), ユーザーメール, 参加時刻, 退出時刻, 所要時間（分）`,
//!   dates `2020/12/8 8:35`. Webinar attendee reports: `Attended, User Name (Original Name),
//!   First Name, Last Name, Email, ..., Join Time, Leave Time, Time in Session (minutes),
//!   Is Guest, Country/Region Name`, where `Attended = No` rows are registrants who did not
//!   come. Sources: the example in microsoft/vivainsights_zoom_int
//!   (Admin/input/zoom_reports/README.md), the Japanese export in yu-9824/zoom_participant
//!   (example/example.csv, main.py), several public webinar-report parsers.
//! - **Webex Meetings**, attendee report: Webex documents that all its exports are "Unicode
//!   tab-delimited text (UTF-16LE)" (help.webex.com, "Webex Meetings CSV file import and
//!   export in Control Hub"). `Meeting Name, Meeting Start Time, Meeting End Time, Name,
//!   Attendee Email, Join Time, Leave Time, Attendance Duration, Connection Type`, times
//!   written as Excel text formulas (`="2021-06-14 17:00:00"`), durations as `204 mins`;
//!   Webex Events write `Event Name, Event Start Time, ...`; newer exports split the name
//!   (`Display Name, First Name, Last Name, Role, Attendee Email, ... , Session Name`).
//!   Sources: WebexAttendanceManager's README (a real report), a public Webex attendance
//!   script's column constants, a Portuguese export's column list (`Nome de exibição, Nome,
//!   Sobrenome, Função, E-mail do convidado, Hora da entrada, Hora da saída, Duração da
//!   presença, Tipo de conexão, Nome da sessão`). `Name/Email/Duration` without the
//!   `Attendee`/`Attendance` words are accepted as well.
//! - **Microsoft Teams**, attendance report (meeting → Attendance → Download): UTF-16LE with a
//!   BOM, tab-separated, sections `1. Summary` (key/value rows), `2. Participants` (`Name,
//!   First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role`, one row
//!   per person with totals; newer exports write `First join, Last leave, In-meeting
//!   duration`), `3. In-Meeting Activities` (one row per join/leave pair). Durations `1h 27m
//!   51s`, times `7/22/26, 7:02:11 PM` in the user's locale. The older attendance list (2020–21)
//!   is `Full Name, User Action, Timestamp` with `Joined`/`Joined before`/`Left` rows per event;
//!   the live-event report is `SessionId, ParticipantId, FullName, UserAgent,
//!   UtcEventTimestamp, Action, Role`. Sources: a transcribed real export in a public
//!   attendance parser's tests, teams-attendance (dvaneynde, "Files from Teams are in UTF-16"),
//!   renefb/teams-report-converter, Microsoft's attendance-report documentation (Teams admin
//!   docs: join times, leave times, in-meeting duration).
//!
//! Japanese column names of Webex and Teams exports were not found in the sources searched;
//! those tools are recognised by their English headings, and a report exported with Japanese
//! headings from them is refused with the message that names the expected columns, until a
//! sample file adds its headings to [`layout`].
//!
//! Encodings: see [`decode`]. Durations and times: see [`values`].

pub mod api;
pub mod decode;
pub mod layout;
pub mod names;
pub mod preregistration;
pub mod report;
pub mod service;
pub mod staff;
pub mod table;
pub mod values;

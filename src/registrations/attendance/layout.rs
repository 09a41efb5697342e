//! The tables of each tool's attendance export, recognised by their column headings (the
//! sources of these names are in the module documentation of [`super`]).

use serde::Serialize;

use super::table::column;

/// The meeting tool a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingTool {
    /// Zoom Meetings or Zoom Webinars.
    Zoom,
    /// Webex Meetings (and Webex Events).
    Webex,
    /// Microsoft Teams.
    Teams,
}

impl MeetingTool {
    /// The product name, the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            MeetingTool::Zoom => "Zoom",
            MeetingTool::Webex => "Webex",
            MeetingTool::Teams => "Microsoft Teams",
        }
    }
}

/// One kind of table a tool exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Teams' "2. Participants" section: one row per person with totals.
    TeamsParticipants,
    /// Teams' older attendance list (and the live-event report): one row per join or leave.
    TeamsEvents,
    /// Zoom's participants report (meetings) or attendee report (webinars): one row per session.
    ZoomParticipants,
    /// Webex's attendee report: one row per session.
    WebexAttendees,
}

/// Where the useful columns of a table are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Columns {
    /// Display name.
    pub name: Option<usize>,
    /// Given name, when the name is split (newer Webex exports).
    pub first_name: Option<usize>,
    /// Family name, when the name is split.
    pub last_name: Option<usize>,
    /// Email.
    pub email: Option<usize>,
    /// Another column that may hold the address (Teams' UPN, for guests without an email).
    pub alt_email: Option<usize>,
    /// Join time (first join for Teams' totals).
    pub join: Option<usize>,
    /// Leave time (last leave for Teams' totals).
    pub leave: Option<usize>,
    /// Time attended.
    pub duration: Option<usize>,
    /// Role (organiser, presenter, attendee), when the tool says.
    pub role: Option<usize>,
    /// Zoom webinars' "Attended" (Yes/No): the report also lists registrants who did not come.
    pub attended: Option<usize>,
    /// Teams' event kind (Joined, Left).
    pub action: Option<usize>,
    /// Teams' event time.
    pub timestamp: Option<usize>,
}

const ZOOM_NAME: &[&str] = &[
    "Name (Original Name)",
    "User Name (Original Name)",
    "名前 (元の名前)",
    "ユーザー名 (元の名前)",
];
const ZOOM_EMAIL: &[&str] = &["User Email", "Email", "ユーザーメール", "メール"];
const ZOOM_JOIN: &[&str] = &["Join Time", "参加時刻", "参加時間"];
const ZOOM_LEAVE: &[&str] = &["Leave Time", "退出時刻", "退出時間"];
const ZOOM_DURATION: &[&str] = &[
    "Duration (Minutes)",
    "Total Duration (Minutes)",
    "Time in Session (minutes)",
    "所要時間 (分)",
    "期間 (分)",
];

const WEBEX_NAME: &[&str] = &["Name", "Display Name", "Attendee Name", "Participant Name"];
const WEBEX_EMAIL: &[&str] = &["Attendee Email", "Email", "Email Address"];
const WEBEX_DURATION: &[&str] = &["Attendance Duration", "Duration"];

const TEAMS_NAME: &[&str] = &["Name", "Full Name", "FullName"];

impl Layout {
    /// The order in which a file is tried: Teams first, because its "In-Meeting Activities"
    /// section has the generic headings a Webex report may have too.
    pub const DETECTION_ORDER: [Layout; 4] = [
        Layout::TeamsParticipants,
        Layout::TeamsEvents,
        Layout::ZoomParticipants,
        Layout::WebexAttendees,
    ];

    /// The tool of this table.
    pub fn tool(self) -> MeetingTool {
        match self {
            Layout::TeamsParticipants | Layout::TeamsEvents => MeetingTool::Teams,
            Layout::ZoomParticipants => MeetingTool::Zoom,
            Layout::WebexAttendees => MeetingTool::Webex,
        }
    }

    /// The columns, when `header` is this table's header row.
    pub fn columns(self, header: &[String]) -> Option<Columns> {
        let find = |names: &[&str]| column(header, names);
        let columns = match self {
            Layout::TeamsParticipants => Columns {
                name: find(TEAMS_NAME),
                email: find(&["Email"]),
                alt_email: find(&["Participant ID (UPN)"]),
                join: find(&["First Join"]),
                leave: find(&["Last Leave"]),
                duration: Some(find(&["In-Meeting Duration"])?),
                role: find(&["Role"]),
                ..Columns::default()
            },
            Layout::TeamsEvents => Columns {
                name: find(TEAMS_NAME),
                email: find(&["Email", "ParticipantId"]),
                action: Some(find(&["User Action", "Action"])?),
                timestamp: Some(find(&["Timestamp", "UtcEventTimestamp"])?),
                role: find(&["Role"]),
                ..Columns::default()
            },
            Layout::ZoomParticipants => Columns {
                name: Some(find(ZOOM_NAME)?),
                email: find(ZOOM_EMAIL),
                join: find(ZOOM_JOIN),
                leave: find(ZOOM_LEAVE),
                duration: Some(find(ZOOM_DURATION)?),
                attended: find(&["Attended"]),
                ..Columns::default()
            },
            Layout::WebexAttendees => Columns {
                name: find(WEBEX_NAME),
                first_name: find(&["First Name"]),
                last_name: find(&["Last Name"]),
                email: Some(find(WEBEX_EMAIL)?),
                join: Some(find(&["Join Time"])?),
                leave: Some(find(&["Leave Time"])?),
                duration: Some(find(WEBEX_DURATION)?),
                role: find(&["Role"]),
                ..Columns::default()
            },
        };
        // Every table needs a name of some kind.
        (columns.name.is_some() || columns.first_name.is_some()).then_some(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    fn first_layout(cells: &[&str]) -> Option<Layout> {
        let header = header(cells);
        Layout::DETECTION_ORDER
            .into_iter()
            .find(|l| l.columns(&header).is_some())
    }

    #[test]
    fn each_header_is_recognised_as_its_tool() {
        let zoom = [
            "Name (Original Name)",
            "User Email",
            "Join Time",
            "Leave Time",
            "Duration (Minutes)",
            "Guest",
        ];
        assert_eq!(first_layout(&zoom), Some(Layout::ZoomParticipants));
        let zoom_ja = [
            "名前 (元の名前)",
            "ユーザーメール",
            "参加時刻",
            "退出時刻",
            "所要時間（分）",
        ];
        assert_eq!(first_layout(&zoom_ja), Some(Layout::ZoomParticipants));
        let webex = [
            "Meeting Name",
            "Meeting Start Time",
            "Meeting End Time",
            "Name",
            "Attendee Email",
            "Join Time",
            "Leave Time",
            "Attendance Duration",
            "Connection Type",
        ];
        assert_eq!(first_layout(&webex), Some(Layout::WebexAttendees));
        let teams = [
            "Name",
            "First Join",
            "Last Leave",
            "In-Meeting Duration",
            "Email",
            "Participant ID (UPN)",
            "Role",
        ];
        assert_eq!(first_layout(&teams), Some(Layout::TeamsParticipants));
        assert_eq!(
            first_layout(&["Full Name", "User Action", "Timestamp"]),
            Some(Layout::TeamsEvents)
        );
    }

    #[test]
    fn a_summary_header_is_no_participant_table() {
        // Zoom's meeting summary has an email and a duration, but no participant name.
        let summary = [
            "Meeting ID",
            "Topic",
            "Start Time",
            "End Time",
            "User Email",
            "Duration (Minutes)",
            "Participants",
        ];
        assert_eq!(first_layout(&summary), None);
        assert_eq!(first_layout(&["Meeting title", "Seminar"]), None);
    }
}

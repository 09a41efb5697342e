//! The OpenAPI fragment of `GET /api/v1/reports/fiscal-years/{year}`.

use serde_json::{Value, json};

fn participants() -> Value {
    json!({"type": "array", "items": {"type": "object", "required": ["code", "label", "registrations", "attendees"], "properties": {
        "code": {"type": "string", "example": "40"}, "label": {"type": "string", "example": "福岡県"},
        "registrations": {"type": "integer"}, "attendees": {"type": "integer"}
    }}})
}

fn counts() -> Value {
    json!({"type": "array", "items": {"type": "object", "required": ["code", "label", "count"], "properties": {
        "code": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}
    }}})
}

fn number() -> Value {
    json!({"type": "number", "nullable": true})
}

fn year() -> Value {
    let int = json!({"type": "integer"});
    json!({"type": "object", "required": ["fiscal_year", "label", "seminars", "newsletter", "matching"], "properties": {
        "fiscal_year": {"type": "integer", "example": 2026},
        "label": {"type": "string", "example": "令和8年度"},
        "first_day": {"type": "string", "format": "date"},
        "last_day": {"type": "string", "format": "date"},
        "seminars": {"type": "object", "required": ["held", "registrations", "attendees", "by_prefecture", "by_industry", "by_employee_band"], "properties": {
            "held": int, "scheduled": int, "cancelled": int,
            "seminars_by_industry": counts(), "seminars_by_prefecture": counts(), "seminars_by_format": counts(),
            "registrations": int, "confirmed": int, "attendees": int, "turnout": number(),
            "waitlist_demand": int, "cancelled_registrations": int,
            "by_prefecture": participants(), "by_industry": participants(),
            "by_employee_band": participants(), "by_mode": participants(),
            "distinct_organizations": int, "returning_participants": int, "first_timers": int,
            "survey": {"type": "object", "properties": {
                "sent": int, "answered": int, "response_rate": number(),
                "satisfaction_average": number(), "usefulness_average": number()
            }}
        }},
        "newsletter": {"type": "object", "properties": {
            "subscribers_at_start": int, "subscribers_at_end": int, "new_confirmations": int,
            "unsubscribes": int, "bounce_suppressions": int, "campaigns_sent": int, "messages_delivered": int,
            "by_topic": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "label": {"type": "string"}, "campaigns": int, "delivered": int
            }}}
        }},
        "matching": {"type": "object", "properties": {
            "needs_published": int, "offerings_published": int,
            "by_family": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "label": {"type": "string"}, "needs": int, "offerings": int
            }}},
            "introductions_requested": int, "introductions_accepted": int, "by_stage": counts(),
            "median_days_to_first_accepted": number()
        }}
    }})
}

/// The paths and schemas of the report's API.
pub fn openapi() -> Value {
    let mut report = year();
    if let Some(props) = report.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            "previous".into(),
            json!({"allOf": [{"$ref": "#/components/schemas/FiscalYearFigures"}], "nullable": true, "description": "The year before, for comparison"}),
        );
    }
    json!({
        "paths": {
            "/api/v1/reports/fiscal-years/{year}": {
                "get": {
                    "summary": "The fiscal-year report (staff; audited): seminars, newsletter and matching board, with the year before. No personal data.",
                    "tags": ["reports"],
                    "parameters": [{"name": "year", "in": "path", "required": true, "description": "The Western year the fiscal year starts in (2000-2100)", "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}],
                    "responses": {
                        "200": {"description": "The report", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FiscalYearReport"}}}},
                        "400": {"description": "Not a supported year.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "401": {"description": "No valid Bearer token.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "403": {"description": "The token's user may not do this.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                    }
                }
            }
        },
        "schemas": {"FiscalYearFigures": year(), "FiscalYearReport": report}
    })
}

//! The survey (アンケート) page an attendee reaches from the mail after the seminar.

use maud::{Markup, html};

use crate::components::{Tone, notice};
use crate::forms::{Field, FormErrors, error_summary, page_title, radios, textarea};
use crate::layout::{self, PageCtx};

use super::public::Options;

/// Where a registrant stands with the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyState {
    /// Not sent (the seminar has not ended, or the person did not attend).
    NotSent,
    /// Waiting for the answer.
    Open,
    /// Answered (once only).
    Answered,
    /// The answer period is over.
    Closed,
}

/// The survey page (values formatted).
#[derive(Debug, Clone)]
pub struct SurveyPage {
    /// Where the form posts.
    pub action: String,
    /// The registrant's own page.
    pub registration_href: String,
    /// Seminar title.
    pub title: String,
    /// Date and time of the seminar.
    pub when: String,
    /// Last day of answers.
    pub deadline: String,
    /// Where the survey stands.
    pub state: SurveyState,
    /// Submitted values by field name.
    pub values: Vec<(&'static str, String)>,
    /// Errors.
    pub errors: FormErrors,
    /// Options of the satisfaction question (5 first).
    pub satisfaction: Options,
    /// Options of the usefulness question (5 first).
    pub usefulness: Options,
    /// Longest topics answer.
    pub topics_max: usize,
    /// Longest comment.
    pub comments_max: usize,
}

impl SurveyPage {
    fn v(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// `GET /registrations/{token}/survey` (and the form again with its errors).
pub fn page(ctx: &PageCtx, v: &SurveyPage) -> Markup {
    let title = ctx.t("seminars.survey_title");
    let e = &v.errors;
    let max = |n: usize| ctx.tf("seminars.survey_max", &[("max", &n.to_string())]);
    let (topics_hint, comments_hint) = (max(v.topics_max), max(v.comments_max));
    let satisfaction =
        Field::new("satisfaction", ctx.t("seminars.survey_q_satisfaction"), e).required();
    let usefulness = Field::new("usefulness", ctx.t("seminars.survey_q_usefulness"), e).required();
    let topics = Field::new("topics", ctx.t("seminars.survey_q_topics"), e).hint(&topics_hint);
    let comments =
        Field::new("comments", ctx.t("seminars.survey_q_comments"), e).hint(&comments_hint);
    layout::page(
        ctx,
        &page_title(ctx, title, e),
        html! {
            h1 { (title) }
            dl.facts {
                dt { (ctx.t("seminars.field_title")) } dd { (v.title) }
                dt { (ctx.t("seminars.when")) } dd { (v.when) }
            }
            @match v.state {
                SurveyState::Answered => {
                    (notice(Tone::Success, ctx.t("seminars.survey_answered")))
                }
                SurveyState::Closed => {
                    (notice(Tone::Info, ctx.t("seminars.survey_closed")))
                }
                SurveyState::NotSent => {
                    (notice(Tone::Info, ctx.t("seminars.survey_not_sent")))
                }
                SurveyState::Open => {
                    p { (ctx.t("seminars.survey_lead")) }
                    p.meta { (ctx.tf("seminars.survey_deadline", &[("date", &v.deadline)])) }
                    (error_summary(ctx, e, &[satisfaction, usefulness, topics, comments]))
                    form method="post" action=(v.action) novalidate {
                        (ctx.csrf_field())
                        (radios(ctx, satisfaction, &v.satisfaction, v.v("satisfaction")))
                        (radios(ctx, usefulness, &v.usefulness, v.v("usefulness")))
                        (textarea(ctx, topics, v.v("topics"), 3))
                        (textarea(ctx, comments, v.v("comments"), 5))
                        button.button type="submit" { (ctx.t("seminars.survey_submit")) }
                    }
                }
            }
            p { a href=(v.registration_href) { (ctx.t("seminars.my_registration")) } }
        },
    )
}

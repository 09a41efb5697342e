//! The staff page of a seminar's lottery (抽選): its settings, the button that draws early
//! (after the deadline, through a confirmation page), and once drawn the record anyone can
//! re-run: seed, algorithm, seats, and every entrant in drawn order with the outcome.

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::layout::PageCtx;
use crate::staff::staff_page;

/// One entrant of a drawn lottery, in drawn order.
#[derive(Debug, Clone)]
pub struct DrawnRow {
    /// Place in the drawn order, from 1.
    pub rank: u32,
    /// The registration id (the record's entrant id).
    pub id: i64,
    /// The registrant's name (empty once erased).
    pub name: String,
    /// Mode label.
    pub mode: String,
    /// The outcome of the draw: 当選, キャンセル待ち 3番, 落選.
    pub outcome: String,
}

/// A draw as recorded.
#[derive(Debug, Clone)]
pub struct DrawView {
    /// When it was drawn.
    pub drawn_at: String,
    /// By whom: a staff member's name, or 「自動（抽選日時）」.
    pub drawn_by: String,
    /// The algorithm and its version.
    pub algorithm: String,
    /// The seed, 64 hex digits.
    pub seed: String,
    /// The seats the draw filled, e.g. 「会場 30席 / オンライン 50席」.
    pub seats: String,
    /// Entrants, confirmed, waitlisted, not drawn.
    pub counts: [i64; 4],
    /// The stored record (JSON), for anyone re-running the draw.
    pub record_json: String,
    /// Every entrant in drawn order.
    pub rows: Vec<DrawnRow>,
}

/// What the lottery page shows.
#[derive(Debug, Clone)]
pub struct LotteryView {
    /// Seminar id.
    pub id: i64,
    /// Seminar title.
    pub title: String,
    /// Whether the seminar is a lottery at all.
    pub is_lottery: bool,
    /// When the draw is (or was due).
    pub draw_time: String,
    /// What happens to those not drawn.
    pub rest: String,
    /// Applications awaiting the draw.
    pub applied: i64,
    /// Whether staff may draw now (a lottery after its deadline, not drawn).
    pub can_draw: bool,
    /// Why not, when it is a lottery not drawn yet but cannot be drawn now.
    pub why_not: Option<String>,
    /// The draws recorded (one, unless something went wrong).
    pub draws: Vec<DrawView>,
    /// A message after an action.
    pub flash: Option<String>,
}

/// `GET /staff/seminars/{id}/lottery`.
pub fn page(ctx: &PageCtx, v: &LotteryView) -> Markup {
    let base = format!("/staff/seminars/{}", v.id);
    let title = format!("{} — {}", ctx.t("lottery.title"), v.title);
    staff_page(
        ctx,
        &title,
        "/staff/seminars",
        html! {
            h1 { (ctx.t("lottery.title")) }
            p { a href=(base) { (v.title) } }
            @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
            @if !v.is_lottery {
                (empty_state(ctx.t("lottery.not_a_lottery")))
            } @else {
                dl.facts {
                    dt { (ctx.t("lottery.field_draw_at")) } dd.draw-time { (v.draw_time) }
                    dt { (ctx.t("lottery.field_rest")) } dd { (v.rest) }
                    dt { (ctx.t("lottery.applied")) } dd.applied-count { (v.applied) }
                }
                @if v.can_draw {
                    p { a.button href={ (base) "/draw" } { (ctx.t("lottery.draw_now")) } }
                } @else if let Some(why) = &v.why_not {
                    (notice(Tone::Info, why))
                }
                @for d in &v.draws { (draw(ctx, d)) }
            }
        },
    )
}

fn draw(ctx: &PageCtx, d: &DrawView) -> Markup {
    let [entrants, confirmed, waitlisted, not_drawn] = d.counts;
    html! {
        section.draw-record aria-labelledby="draw-record-title" {
            h2 #draw-record-title { (ctx.t("lottery.record")) }
            dl.facts {
                dt { (ctx.t("lottery.drawn_at")) } dd { (d.drawn_at) }
                dt { (ctx.t("lottery.drawn_by")) } dd { (d.drawn_by) }
                dt { (ctx.t("lottery.algorithm")) } dd { code { (d.algorithm) } }
                dt { (ctx.t("lottery.seed")) } dd { code.draw-seed { (d.seed) } }
                dt { (ctx.t("lottery.seats")) } dd { (d.seats) }
                dt { (ctx.t("lottery.entrants")) } dd.draw-entrants { (entrants) }
                dt { (ctx.t("lottery.confirmed")) } dd.draw-confirmed { (confirmed) }
                dt { (ctx.t("lottery.waitlisted")) } dd.draw-waitlisted { (waitlisted) }
                dt { (ctx.t("lottery.not_drawn")) } dd.draw-not-drawn { (not_drawn) }
            }
            p { (ctx.t("lottery.verify_hint")) }
            details {
                summary { (ctx.t("lottery.record_json")) }
                pre.draw-record-json { (d.record_json) }
            }
            @if d.rows.is_empty() {
                (empty_state(ctx.t("lottery.no_entrants")))
            } @else {
                (table_region(ctx.t("lottery.drawn_order"), html! { table.data-table.drawn-order {
                    caption { (ctx.t("lottery.drawn_order")) }
                    thead { tr {
                        th scope="col" { (ctx.t("lottery.rank")) }
                        th scope="col" { (ctx.t("lottery.entry_id")) }
                        th scope="col" { (ctx.t("seminars.field_name")) }
                        th scope="col" { (ctx.t("seminars.field_mode")) }
                        th scope="col" { (ctx.t("lottery.outcome")) }
                    } }
                    tbody {
                        @for r in &d.rows {
                            tr { td { (r.rank) } td { (r.id) } td { (r.name) } td { (r.mode) } td { (r.outcome) } }
                        }
                    }
                } }))
            }
        }
    }
}

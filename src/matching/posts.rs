//! The page of one post: its card, and by viewer the suggestions (its SME or vendor), the
//! pins and removals (staff) and why each of a vendor's offerings is (not) suggested.

use views::matching::{ExplainView, PostView, SuggestionAction, SuggestionView};

use super::api_types::PostStatus;
use super::handlers::{can_manage, org_kind, org_name};
use super::index::OfferingIndex;
use super::labels;
use super::queries::{self, Need, Offering};
use super::scoring::{self, TOP_N, WEIGHTS_VERSION};
use super::view::Refs;
use crate::accounts::CurrentUser;
use crate::db::DbConn;
use crate::error::AppError;

type Result<T> = std::result::Result<T, AppError>;

/// Renew and close buttons for the owner.
fn owner_actions(lang: views::Lang, base: &str, status: PostStatus) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if matches!(status, PostStatus::Published | PostStatus::Expired) {
        out.push((
            format!("{base}/renew"),
            lang.t("matching.post.renew").to_string(),
        ));
    }
    if !matches!(status, PostStatus::Closed | PostStatus::Fulfilled) {
        out.push((
            format!("{base}/close"),
            lang.t("matching.post.close").to_string(),
        ));
    }
    out
}

/// The board's offerings in memory, at the content version the request read.
pub struct Board<'a> {
    /// The index.
    pub index: &'a OfferingIndex,
    /// The content version.
    pub version: u64,
}

/// The view of a need for this viewer (404 for a post that is not live, unless its own).
pub fn need_view(
    c: &mut DbConn,
    board: &Board,
    lang: views::Lang,
    user: Option<&CurrentUser>,
    id: i64,
) -> Result<PostView> {
    let n: Need = queries::find_need(c, id)?;
    let now = crate::time::now_utc();
    let owner = user.is_some_and(|u| can_manage(u, n.organization_id));
    let staff = user.is_some_and(CurrentUser::is_staff);
    if !n.is_live(now) && !owner {
        return Err(AppError::NotFound);
    }
    let refs = Refs::load(c, lang)?;
    let name = org_name(c, n.organization_id)?;
    let mut v = PostView {
        title: n.title.clone(),
        headline: refs.need_headline(&n, Some(&name)),
        details: refs.need_details(&n),
        description: n.description.clone(),
        weights_version: WEIGHTS_VERSION.to_string(),
        ..Default::default()
    };
    if owner {
        v.status = Some(labels::label(labels::STATUSES, n.status.as_str(), lang));
        v.reject_reason = n
            .reject_reason
            .clone()
            .filter(|_| n.status == PostStatus::Rejected);
        v.edit_href = Some(format!("/board/needs/{id}/edit"));
        v.owner_actions = owner_actions(lang, &format!("/board/needs/{id}"), n.status);
        v.suggestions_title = Some(lang.t("matching.suggest.for_need").to_string());
        let ranked = board.index.suggestions_for(c, board.version, &n)?;
        let existing = existing_stages(c, lang, Some(id), None)?;
        let notes = queries::override_notes(c, id)?;
        for s in ranked.iter().take(TOP_N) {
            let o = queries::find_offering(c, s.offering_id)?;
            let vendor = org_name(c, o.organization_id)?;
            let (reasons, cautions) = refs.notes(s);
            let action = match existing.iter().find(|(o, _)| *o == s.offering_id) {
                Some((_, st)) => SuggestionAction::Existing(st.clone()),
                None if user.is_some_and(|u| u.organization_id == Some(n.organization_id)) => {
                    SuggestionAction::Request {
                        need_id: id,
                        offering_id: s.offering_id,
                    }
                }
                None => SuggestionAction::None,
            };
            v.suggestions.push(SuggestionView {
                href: format!("/board/offerings/{}", o.id),
                title: o.title,
                subtitle: vendor,
                score: s.score,
                reasons,
                cautions,
                note: notes
                    .iter()
                    .find(|(oid, a, _)| *oid == s.offering_id && a == "pin")
                    .map(|(_, _, n)| n.clone())
                    .filter(|_| staff),
                action,
                staff_override: staff.then_some((id, s.offering_id)),
            });
        }
        if staff {
            for (oid, action, note) in notes.iter().filter(|(_, a, _)| a == "remove") {
                let _ = action;
                let title = queries::find_offering(c, *oid)?.title;
                v.removed.push(format!("{title} — {note}"));
            }
        }
    }
    if let Some(u) = user
        && let Some((org, kind)) = org_kind(c, u)?
        && kind == "vendor"
    {
        let (_, mine) = queries::posts_of(c, org)?;
        let snapshot = board.index.snapshot(c, board.version, now)?;
        let all = snapshot.profiles();
        let stats = queries::vendor_stats(c)?;
        let ov = queries::overrides_of(c, id)?;
        let existing = existing_stages(c, lang, Some(id), None)?;
        for o in mine {
            let profile = o.profile(now, stats.get(&org));
            let e = scoring::explain(&n.profile(), &profile, all, &ov, &super::match_context());
            let eligible = matches!(e, scoring::Explanation::Ranked { .. });
            let action = match existing.iter().find(|(oid, _)| *oid == o.id) {
                Some((_, st)) => SuggestionAction::Existing(st.clone()),
                None if eligible && n.is_live(now) => SuggestionAction::Request {
                    need_id: id,
                    offering_id: o.id,
                },
                None => SuggestionAction::None,
            };
            v.explanations.push(ExplainView {
                title: o.title.clone(),
                text: refs.explanation(&e),
                action,
            });
        }
    }
    Ok(v)
}

/// Stages of existing introductions of a need or an offering: (other post id, stage label).
fn existing_stages(
    c: &mut DbConn,
    lang: views::Lang,
    need: Option<i64>,
    offering: Option<i64>,
) -> diesel::QueryResult<Vec<(i64, String)>> {
    use crate::schema::matching_introductions as i;
    use diesel::prelude::*;
    let mut q = i::table
        .select((i::need_id, i::offering_id, i::stage))
        .into_boxed();
    if let Some(n) = need {
        q = q.filter(i::need_id.eq(n));
    }
    if let Some(o) = offering {
        q = q.filter(i::offering_id.eq(o));
    }
    let rows: Vec<(i64, i64, String)> = q.load(c)?;
    Ok(rows
        .into_iter()
        .map(|(n, o, st)| {
            let other = if need.is_some() { o } else { n };
            (other, labels::label(labels::STAGES, &st, lang))
        })
        .collect())
}

/// The view of an offering for this viewer (404 for a post that is not live, unless its own).
pub fn offering_view(
    c: &mut DbConn,
    lang: views::Lang,
    user: Option<&CurrentUser>,
    id: i64,
) -> Result<PostView> {
    let o: Offering = queries::find_offering(c, id)?;
    let now = crate::time::now_utc();
    let owner = user.is_some_and(|u| can_manage(u, o.organization_id));
    if !o.is_live(now) && !owner {
        return Err(AppError::NotFound);
    }
    let refs = Refs::load(c, lang)?;
    let mut v = PostView {
        title: o.title.clone(),
        headline: org_name(c, o.organization_id)?,
        details: refs.offering_details(&o),
        description: o.description.clone(),
        weights_version: WEIGHTS_VERSION.to_string(),
        ..Default::default()
    };
    if owner {
        v.status = Some(labels::label(labels::STATUSES, o.status.as_str(), lang));
        v.reject_reason = o
            .reject_reason
            .clone()
            .filter(|_| o.status == PostStatus::Rejected);
        v.edit_href = Some(format!("/board/offerings/{id}/edit"));
        v.owner_actions = owner_actions(lang, &format!("/board/offerings/{id}"), o.status);
        v.suggestions_title = Some(lang.t("matching.suggest.for_offering").to_string());
        if o.is_live(now) {
            let stats = queries::vendor_stats(c)?;
            let profile = o.profile(now, stats.get(&o.organization_id));
            let needs = queries::live_needs(c)?;
            let profiles: Vec<_> = needs.iter().map(Need::profile).collect();
            let ranked = scoring::rank_needs(&profile, &profiles, &super::match_context());
            let existing = existing_stages(c, lang, None, Some(id))?;
            let member = user.is_some_and(|u| u.organization_id == Some(o.organization_id));
            for s in ranked.iter().take(TOP_N * 2) {
                let Some(n) = needs.iter().find(|n| n.id == s.need_id) else {
                    continue;
                };
                let name = if n.show_name {
                    Some(org_name(c, n.organization_id)?)
                } else {
                    None
                };
                let (reasons, cautions) = refs.notes(s);
                let action = match existing.iter().find(|(nid, _)| *nid == n.id) {
                    Some((_, st)) => SuggestionAction::Existing(st.clone()),
                    None if member => SuggestionAction::Request {
                        need_id: n.id,
                        offering_id: id,
                    },
                    None => SuggestionAction::None,
                };
                v.suggestions.push(SuggestionView {
                    href: format!("/board/needs/{}", n.id),
                    title: n.title.clone(),
                    subtitle: refs.need_headline(n, name.as_deref()),
                    score: s.score,
                    reasons,
                    cautions,
                    note: None,
                    action,
                    staff_override: None,
                });
            }
        }
    }
    Ok(v)
}

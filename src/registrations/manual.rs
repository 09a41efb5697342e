//! Staff enter a registration by hand, for people who register by phone, FAX or at the door.
//!
//! The same form checks as the public form (the seminar's own questions optional), then the
//! same serialized [`queries::register`] as everyone: confirmed while a seat of the mode is
//! free, waitlisted after that, never overbooked. Staff may do it before the opening and after
//! the public deadline while the seminar is published and not over
//! ([`Intake::Staff`]), and choose whether the person gets the confirmation mail. An address
//! registered already is reported, not registered twice. Every entry is audited.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use views::Lang;
use views::components::Tone;
use views::forms::FormErrors;
use views::seminars::add::AddView;

use super::forms::{self, FormRules};
use super::mail::Notifier;
use super::model::Intake;
use super::queries::Registered;
use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::reference;
use crate::seminars::queries as seminar_queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Fields, Form};
use crate::web::see_other;

/// The page and the rules of a seminar's manual entry, with the form's values and errors.
async fn load(
    state: &AppState,
    page: &Page,
    id: i64,
    values: Vec<(String, String)>,
    errors: FormErrors,
) -> Result<(AddView, FormRules), AppError> {
    let lang = page.lang;
    let now = crate::time::now_utc();
    let (mut view, rules) = state
        .db
        .run(move |c| {
            let s = seminar_queries::find(c, id)?;
            let seats = seminar_queries::seats(c, &s)?;
            let form = crate::seminars::handlers::registration_form(
                &s,
                reference::prefectures(c, lang)?,
                reference::industries(c, lang)?,
                reference::employee_bands(c, lang)?,
                lang,
            );
            let view = AddView {
                action: format!("/staff/seminars/{id}/registrations/new"),
                seminar_href: format!("/staff/seminars/{id}"),
                title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                seats: crate::seminars::seats_text(&s, &seats, lang),
                form,
                langs: Lang::ALL
                    .iter()
                    .map(|l| (l.code().to_string(), lang_name(*l).to_string()))
                    .collect(),
                closed: (!Intake::Staff { send_mail: false }.accepts(&s, now))
                    .then(|| lang.t("seminars.add.closed").to_string()),
                notice: None,
            };
            Ok::<_, AppError>((view, FormRules::of(c, &s)?.questions_optional()))
        })
        .await?;
    view.form.set_values(values);
    view.form.errors = errors;
    Ok((view, rules))
}

/// A language by its own name, as the language switch shows it.
fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::Ja => "日本語",
        Lang::En => "English",
    }
}

/// `GET /staff/seminars/{id}/registrations/new`.
pub async fn form(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let defaults = vec![
        ("send_mail".to_string(), "1".to_string()),
        ("mail_lang".to_string(), "ja".to_string()),
    ];
    let (view, _) = load(
        &state,
        &page,
        path.into_inner(),
        defaults,
        FormErrors::new(),
    )
    .await?;
    Ok(html(views::seminars::add::page(&page, &view)))
}

/// `POST /staff/seminars/{id}/registrations/new`: checks, registers through the serialized
/// path, audits, and goes back to the seminar's registrations.
pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    form.single_values(forms::is_list_field)?;
    let values: Vec<(String, String)> = form
        .into_inner()
        .0
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect();
    let (mut view, rules) = load(&state, &page, id, values.clone(), FormErrors::new()).await?;
    let value = |name: &str| view.form.value(name).trim().to_string();
    let send_mail = value("send_mail") == "1";
    let mail_lang = Lang::from_code(&value("mail_lang"));
    let parsed = forms::parse(&values, &rules, lang);
    let mut errors = match &parsed {
        Ok(_) => FormErrors::new(),
        Err(e) => e.clone(),
    };
    if mail_lang.is_none() {
        errors.add("mail_lang", crate::validate::invalid_choice().message(lang));
    }
    let (Ok(mut who), Some(mail_lang), true) = (parsed, mail_lang, errors.is_empty()) else {
        view.form.errors = errors;
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::seminars::add::page(&page, &view),
        ));
    };
    who.lang = mail_lang.code().to_string();
    who.subscribe_newsletter = false;
    who.intake = Intake::Staff { send_mail };
    let notifier = notifier.get_ref().clone();
    let actor = user.0.clone();
    let outcome = state
        .db
        .run(move |c| {
            let now = crate::time::now_utc();
            Ok::<_, AppError>(super::service::add_registration(
                c, &notifier, &actor, id, &who, send_mail, now,
            ))
        })
        .await?;
    let (tone, text, code) = match outcome {
        Ok(Registered::New(reg, _)) => {
            return Ok(see_other(format!(
                "/staff/seminars/{id}?added={}",
                reg.status
            )));
        }
        Ok(Registered::Existing(reg)) => (
            Tone::Warning,
            page.tf(
                "seminars.add.existing",
                &[
                    ("status", super::handlers::status_label(reg.status, lang)),
                    ("mode", lang.t(reg.mode().label_key())),
                ],
            ),
            StatusCode::CONFLICT,
        ),
        // Called off or over since the form was loaded: said on the form, nothing stored.
        Err(AppError::Conflict(m)) => (Tone::Error, m.render(lang), StatusCode::CONFLICT),
        Err(other) => return Err(other),
    };
    view.notice = Some((tone, text));
    Ok(html_status(code, views::seminars::add::page(&page, &view)))
}

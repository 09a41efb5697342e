//! The frame of every page: head, header with the language switch, navigation, footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::i18n::Lang;

/// The signed-in person as the header shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    /// Display name.
    pub name: String,
    /// Whether the back office link is shown.
    pub is_staff: bool,
}

/// What every page needs to know about its request.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// The language of the page.
    pub lang: Lang,
    /// Path and query of the current request, for the language switch to come back to.
    pub path: String,
    /// Version segment of asset URLs (a hash of the embedded assets).
    pub asset_version: String,
    /// CSRF token for the forms of this page.
    pub csrf_token: String,
    /// The signed-in person, if any.
    pub user: Option<UserBadge>,
}

impl PageCtx {
    /// The message for `key` in the page's language.
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }

    /// The message for `key` with placeholders filled.
    pub fn tf(&self, key: &'static str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    /// URL of an embedded asset, versioned so it can be cached for a year.
    pub fn asset(&self, file: &str) -> String {
        format!("/assets/{}/{}", self.asset_version, file)
    }

    /// The hidden CSRF field every state-changing form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf_token" value=(self.csrf_token); }
    }
}

/// The part of a page between its header and its footer, rendered once and kept in memory (the
/// public pages): its title and its HTML, cut where the page's CSRF token goes, so that every
/// response gets its own token and its own header (language switch, signed-in user).
#[derive(Debug, Clone)]
pub struct Fragment {
    title: String,
    parts: Vec<String>,
}

impl Fragment {
    /// Renders `content` with the context of [`PageCtx::template`] (`ctx`) and keeps it,
    /// cut at `ctx`'s placeholder token.
    pub fn capture(ctx: &PageCtx, title: &str, content: Markup) -> Self {
        let html = content.into_string();
        let parts = if ctx.csrf_token.is_empty() {
            vec![html]
        } else {
            html.split(ctx.csrf_token.as_str())
                .map(str::to_string)
                .collect()
        };
        Self {
            title: title.to_string(),
            parts,
        }
    }

    /// The whole page for one request: the frame of `ctx`, the kept content with `ctx`'s
    /// CSRF token.
    pub fn page(&self, ctx: &PageCtx) -> Markup {
        let mut body = String::with_capacity(self.len() + 128);
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                body.push_str(&ctx.csrf_token);
            }
            body.push_str(part);
        }
        page(ctx, &self.title, PreEscaped(body))
    }

    /// Whether the content has a place for the CSRF token (a form): then every response
    /// differs.
    pub fn takes_token(&self) -> bool {
        self.parts.len() > 1
    }

    /// Bytes of HTML kept.
    pub fn len(&self) -> usize {
        self.parts.iter().map(String::len).sum()
    }

    /// Whether no HTML is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PageCtx {
    /// The context a [`Fragment`] is rendered with: the language, and `placeholder` where the
    /// CSRF token goes (a random string that no content contains); no user, no path.
    pub fn template(lang: Lang, placeholder: &str) -> Self {
        Self {
            lang,
            path: String::new(),
            asset_version: String::new(),
            csrf_token: placeholder.to_string(),
            user: None,
        }
    }
}

/// The sections of the global navigation: path and message key.
const NAV: &[(&str, &str)] = &[
    ("/", "nav.home"),
    ("/seminars", "nav.seminars"),
    ("/newsletter", "nav.newsletter"),
    ("/board", "nav.board"),
];

fn is_current(nav_path: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    if nav_path == "/" {
        path == "/"
    } else {
        path == nav_path || path.starts_with(&format!("{nav_path}/"))
    }
}

/// Percent-encodes a value for a query string (the `next` of the language switch and logins).
pub fn encode_query(path: &str) -> String {
    encode_next(path)
}

/// Percent-encodes a local path for use as the `next` query value of the language switch.
fn encode_next(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A whole page: `title` goes into `<title>` and the `h1` is up to `content`.
pub fn page(ctx: &PageCtx, title: &str, content: Markup) -> Markup {
    let site = ctx.t("site.name");
    let full_title = if title.is_empty() || title == site {
        format!("{site} | {}", ctx.t("site.org"))
    } else {
        format!("{title} | {site}")
    };
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                meta name="description" content=(ctx.t("site.description"));
                link rel="stylesheet" href=(ctx.asset("vendor/digital-go-jp/tokens.css"));
                link rel="stylesheet" href=(ctx.asset("app.css"));
                link rel="icon" href=(ctx.asset("icon.svg")) type="image/svg+xml";
                script src=(ctx.asset("app.js")) defer {}
            }
            body {
                a.skip-link href="#main" { (ctx.t("layout.skip_to_content")) }
                (header(ctx))
                main #main tabindex="-1" {
                    div.container { (content) }
                }
                (footer(ctx))
            }
        }
    }
}

fn header(ctx: &PageCtx) -> Markup {
    let next = encode_next(&ctx.path);
    html! {
        header.site-header {
            div.container.header-bar {
                a.brand href="/" {
                    img.brand-mark src=(ctx.asset("icon.svg")) alt="" width="40" height="40";
                    span.brand-text {
                        span.brand-name { (ctx.t("site.name")) }
                        span.brand-org { (ctx.t("site.org")) }
                    }
                }
                div.header-tools {
                    nav.lang-switch aria-label=(ctx.t("layout.language")) {
                        @for lang in Lang::ALL {
                            @if lang == ctx.lang {
                                span aria-current="true" lang=(lang.code()) { (lang.t("layout.language_name")) }
                            } @else {
                                a href={ "/lang/" (lang.code()) "?next=" (next) } lang=(lang.code()) hreflang=(lang.code()) {
                                    (lang.t("layout.language_name"))
                                }
                            }
                        }
                    }
                    @if let Some(user) = &ctx.user {
                        a.header-link.user-name href="/account" { (user.name) }
                        @if user.is_staff {
                            a.header-link href="/staff" { (ctx.t("nav.staff")) }
                        }
                        form.inline-form method="post" action="/auth/logout" {
                            (ctx.csrf_field())
                            button.link-button type="submit" { (ctx.t("nav.logout")) }
                        }
                    } @else {
                        a.header-link href="/login" { (ctx.t("nav.login")) }
                    }
                }
            }
            nav.global-nav aria-label=(ctx.t("layout.main_menu")) {
                ul.container {
                    @for (href, key) in NAV {
                        li {
                            @if is_current(href, &ctx.path) {
                                a href=(href) aria-current="page" { (ctx.t(key)) }
                            } @else {
                                a href=(href) { (ctx.t(key)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn footer(ctx: &PageCtx) -> Markup {
    html! {
        footer.site-footer {
            div.container.footer-grid {
                div {
                    p.footer-name { (ctx.t("site.name")) }
                    p { (ctx.t("site.org")) }
                    p.footer-note { (ctx.t("layout.footer_note")) }
                }
                nav aria-label=(ctx.t("layout.footer_menu")) {
                    ul.footer-links {
                        li { a href="/privacy" { (ctx.t("nav.privacy")) } }
                        li { a href="/seminars" { (ctx.t("nav.seminars")) } }
                        li { a href="/newsletter" { (ctx.t("nav.newsletter")) } }
                        li { a href="/board" { (ctx.t("nav.board")) } }
                    }
                }
            }
            div.container {
                p.copyright { "© " (ctx.t("site.org_full")) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_encoded_and_current_section_marked() {
        assert_eq!(
            encode_next("/seminars?x=1&y=2"),
            "/seminars%3Fx%3D1%26y%3D2"
        );
        assert!(is_current("/seminars", "/seminars/3"));
        assert!(!is_current("/", "/seminars"));
        assert!(is_current("/", "/?lang=en"));
    }
}

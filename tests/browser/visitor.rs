//! A person in front of the browser: opens pages, fills fields by their labels' names, presses
//! buttons, reads what the page says. Every page the visitor lands on is checked
//! ([`Session::check_page`]) before the next step.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::elements::Element;
use serde_json::{Value, json};
use views::Lang;

use crate::checks::Findings;
use crate::chrome::{Device, Driver, Script, Session};
use crate::support::TestApp;
use crate::support::mailbox;

/// One visitor of one journey.
pub struct Visitor {
    /// The browser.
    pub session: Session,
    /// What the checks found so far.
    pub findings: Findings,
    /// The language the visitor reads.
    pub lang: Lang,
    base: String,
}

impl Visitor {
    /// A visitor with a fresh browser on `device`, reading `lang`, on the app at `base`. The
    /// browser asks for Japanese (like most of the bureau's visitors); an English reader
    /// switches with the language switch on the first page, as a person would.
    pub async fn arrive(
        driver: &Driver,
        base: &str,
        device: Device,
        script: Script,
        lang: Lang,
    ) -> Self {
        let mut visitor = Self {
            session: driver.session(device, script).await,
            findings: Findings::default(),
            lang,
            base: base.to_string(),
        };
        visitor.open("/").await;
        assert_eq!(
            visitor.attr("html", "lang").await.as_deref(),
            Some(Lang::Ja.code()),
            "a browser that asks for Japanese got another language"
        );
        if lang != Lang::Ja {
            visitor
                .click(&format!(".lang-switch a[lang='{}']", lang.code()))
                .await;
            assert_eq!(
                visitor.attr("html", "lang").await.as_deref(),
                Some(lang.code()),
                "the language switch did not switch to {}",
                lang.code()
            );
        }
        visitor
    }

    /// Signs in with the one-time link the sign-in form sends to `email` (the link arrives at
    /// the app's SMTP listener, as it would in the person's mailbox).
    pub async fn sign_in_by_mail(&mut self, app: &TestApp, email: &str) {
        let seen = mailbox::links(app, email, "/auth/email/").len();
        self.click(".header-tools a[href='/login']").await;
        self.fill("email", email).await;
        self.click("form[action='/auth/email'] button[type='submit']")
            .await;
        assert_eq!(self.path().await, "/login/sent");
        let link = mailbox::next_link(app, email, "/auth/email/", seen).await;
        self.open(&link).await;
        self.click("main form button[type='submit']").await;
        assert!(
            self.has(".header-tools .user-name").await,
            "{email} is not signed in after using the link (on {})",
            self.path().await
        );
    }

    /// Sets the value of the field `name` as its picker would (date and time inputs: typing
    /// into them depends on the browser's locale).
    pub async fn pick(&self, name: &str, value: &str) {
        self.script(
            "const el = document.querySelector(`[name='${arguments[0]}']`); el.value = arguments[1]; \
             el.dispatchEvent(new Event('input', { bubbles: true })); \
             el.dispatchEvent(new Event('change', { bubbles: true })); return el.value;",
            vec![json!(name), json!(value)],
        )
        .await;
    }

    /// The message for `key` in the visitor's language.
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }

    /// Opens a path of the app (as from a bookmark or a link in a mail) and checks the page.
    pub async fn open(&mut self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.session
            .client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        self.checked().await;
    }

    /// Checks the page shown now (after a step that loaded one).
    pub async fn checked(&mut self) {
        self.session.check_page(&mut self.findings).await;
    }

    /// The element `css` finds (fails the test with the page's path when there is none).
    pub async fn find(&self, css: &str) -> Element {
        match self.session.client.find(Locator::Css(css)).await {
            Ok(el) => el,
            Err(e) => panic!("no {css} on {}: {e}", self.path().await),
        }
    }

    /// Whether the page has an element `css` finds.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .session
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
            .is_empty()
    }

    /// Clicks the element `css` finds (a link or a submit button) and checks the page it
    /// loads.
    pub async fn click(&mut self, css: &str) {
        let before = self.load_marker().await;
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        assert!(
            self.wait_for_new_page(&before).await,
            "clicking {css} on {} loaded no page",
            self.path().await
        );
        self.checked().await;
    }

    /// Clicks the link whose text is `text` and checks the page it opens.
    pub async fn follow(&mut self, text: &str) {
        let before = self.load_marker().await;
        let link = match self.session.client.find(Locator::LinkText(text)).await {
            Ok(el) => el,
            Err(e) => panic!("no link «{text}» on {}: {e}", self.path().await),
        };
        link.click().await.expect("click a link");
        assert!(
            self.wait_for_new_page(&before).await,
            "the link «{text}» opened no page"
        );
        self.checked().await;
    }

    /// Types `value` into the field named `name` (after clearing it).
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self
            .find(&format!("main [name='{name}']:not([type='hidden'])"))
            .await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear {name}: {e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {name}: {e}"));
    }

    /// Picks the option `value` of the drop-down `name`.
    pub async fn select(&self, name: &str, value: &str) {
        self.find(&format!("select[name='{name}']"))
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no option {value} in {name}: {e}"));
    }

    /// Ticks the radio button or checkbox `name` = `value` by clicking its label, as a finger
    /// on a phone would.
    pub async fn tick(&self, name: &str, value: &str) {
        let input = self
            .find(&format!("input[name='{name}'][value='{value}']"))
            .await;
        let id = input.attr("id").await.ok().flatten();
        match id {
            Some(id) => self.find(&format!("label[for='{id}']")).await.click().await,
            None => input.click().await,
        }
        .unwrap_or_else(|e| panic!("cannot tick {name}={value}: {e}"));
    }

    /// The text of the element `css` finds.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// The attribute `name` of the element `css` finds.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.expect("attribute")
    }

    /// The text of the whole page as a reader sees it.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    /// The page's `<title>`.
    pub async fn title(&self) -> String {
        self.session.client.title().await.expect("title")
    }

    /// Path and query of the page shown now.
    pub async fn path(&self) -> String {
        let url = self.session.client.current_url().await.expect("URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Runs a script in the page.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        self.session.execute(script, args).await
    }

    /// Ends the journey: closes the browser and fails the test with what the checks found.
    pub async fn leave(self, journey: &str) {
        let Visitor {
            session, findings, ..
        } = self;
        session.close().await;
        findings.assert_clean(journey);
    }

    /// A marker of the document shown now: a property set on its `window`, gone once another
    /// document loads.
    async fn load_marker(&self) -> String {
        let marker = format!("m{}", rand::random::<u64>());
        self.script(
            "window.__journeyMarker = arguments[0]; return true;",
            vec![json!(marker)],
        )
        .await;
        marker
    }

    /// Waits until the document with `marker` has been replaced by a loaded one; answers
    /// whether that happened (the bound only ends a hang: the driver itself waits for a
    /// navigation a click starts).
    async fn wait_for_new_page(&self, marker: &str) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let state = self
                .session
                .client
                .execute(
                    "return [window.__journeyMarker || null, document.readyState];",
                    vec![],
                )
                .await;
            if let Ok(Value::Array(v)) = state
                && v[0] != json!(marker)
                && v[1] == json!("complete")
            {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

//! What every page a journey passes through must pass, at 390 px and at 1366 px: axe-core
//! finds no `serious` or `critical` violation, the links of the page's frame are at least
//! 24 px tall, and on the phone nothing is wider than the screen
//! (`document.documentElement.scrollWidth <= 390`).
//!
//! axe-core is vendored (`vendor/axe-core/`, MPL-2.0, its version in `VERSION`) and injected
//! into each page by the driver; nothing is fetched at run time.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::chrome::{Device, Script, Session};

/// axe-core's browser bundle.
const AXE: &str = include_str!("vendor/axe-core/axe.min.js");

/// The impacts that fail a page.
const FAILING_IMPACTS: &[&str] = &["serious", "critical"];

/// Runs axe on the document and answers, per violated rule of a failing impact, its id, help
/// text and the selectors of the elements that fail it.
const RUN_AXE: &str = r##"
const done = arguments[arguments.length - 1];
const failing = arguments[0];
axe.run(document, { resultTypes: ["violations"] }).then(
  (result) => done(result.violations
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.filter((n) => failing.includes(n.impact)).map((n) => n.target.join(" ")),
    }))
    .filter((v) => v.targets.length > 0)),
  (error) => done({ error: String(error) }));
"##;

/// The elements that stick out on the right of the viewport (at most five), as selectors
/// with their right edge, and the document's scroll width.
const OVERFLOW: &str = r##"
const width = document.documentElement.clientWidth;
const path = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    if (e.id) { part += "#" + e.id; parts.unshift(part); break; }
    if (e.classList.length) part += "." + Array.from(e.classList).join(".");
    parts.unshift(part);
  }
  return parts.join(" > ");
};
const wide = [];
for (const el of document.body.querySelectorAll("*")) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.right > width + 1 && !wide.some((w) => el.closest(w.sel))) {
    wide.push({ sel: path(el), right: Math.round(r.right) });
    if (wide.length >= 5) break;
  }
}
return { scroll: document.documentElement.scrollWidth, wide: wide.map((w) => w.sel + " (" + w.right + " px)") };
"##;

/// The links and buttons of the page's frame (header, menus, footer) that are less than 24 px
/// tall (WCAG 2.5.8: links inside a sentence are exempt, the frame's are not).
const SMALL_TARGETS: &str = r##"
return Array.from(document.querySelectorAll(".site-header a, .site-header button, .site-footer a, .staff-nav a"))
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height < 24; })
  .map((el) => `${el.textContent.trim()} (${Math.round(el.getBoundingClientRect().height)} px)`);
"##;

/// The findings of one journey: every page it checked and what failed where.
#[derive(Debug, Default)]
pub struct Findings {
    pages: Vec<String>,
    failures: Vec<String>,
}

impl Findings {
    /// What failed, one line (with its selectors) per finding.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// Fails the test with every finding, page by page.
    pub fn assert_clean(&self, journey: &str) {
        assert!(
            !self.pages.is_empty(),
            "{journey}: no page was checked, so nothing was tested"
        );
        if self.failures.is_empty() {
            eprintln!(
                "{journey}: {} page views checked with axe-core at 390 and 1366 px, none failed",
                self.pages.len()
            );
            return;
        }
        panic!(
            "{journey}: {} finding(s) on {} checked page views:\n{}",
            self.failures.len(),
            self.pages.len(),
            self.failures.join("\n")
        );
    }
}

impl Session {
    /// Checks the page the browser shows now, at the phone and at the desktop width, and
    /// records what fails in `findings`; the page is then laid out for the journey's device
    /// again.
    pub async fn check_page(&self, findings: &mut Findings) {
        let url = self.client.current_url().await.expect("current URL");
        let page = format!(
            "{}{}",
            url.path(),
            url.query().map(|q| format!("?{q}")).unwrap_or_default()
        );
        let title = self.client.title().await.unwrap_or_default();
        findings.pages.push(page.clone());
        let scrolled = self
            .execute("return [window.scrollX, window.scrollY];", vec![])
            .await;
        if self.script == Script::Off {
            self.allow_scripts(true).await;
        }
        self.inject_axe().await;
        for device in [Device::Phone, Device::Desktop] {
            self.emulate(device).await;
            let at = format!("{page} «{title}» at {} px", device.width());
            for v in self.axe_violations().await {
                let mut line = format!(
                    "axe {} ({}) on {at}: {}",
                    v["rule"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("")
                );
                for target in v["targets"].as_array().into_iter().flatten() {
                    let _ = write!(line, "\n    {}", target.as_str().unwrap_or("?"));
                }
                findings.failures.push(line);
            }
            let small = self.execute(SMALL_TARGETS, vec![]).await;
            if small.as_array().is_some_and(|list| !list.is_empty()) {
                findings
                    .failures
                    .push(format!("targets smaller than 24 px on {at}: {small}"));
            }
            if device == Device::Phone {
                let overflow = self.execute(OVERFLOW, vec![]).await;
                let scroll = overflow["scroll"].as_u64().unwrap_or(u64::MAX);
                if scroll > u64::from(Device::Phone.width()) {
                    findings.failures.push(format!(
                        "overflow on {at}: the page is {scroll} px wide; too wide: {}",
                        overflow["wide"]
                    ));
                }
            }
        }
        self.emulate(self.device).await;
        if self.script == Script::Off {
            self.allow_scripts(false).await;
        }
        // Back where the visitor was: the desktop layout is shorter and clamped the scroll.
        self.execute(
            "window.scrollTo(arguments[0][0], arguments[0][1]);",
            vec![scrolled],
        )
        .await;
    }

    /// Runs a script in the page and returns its value.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    async fn inject_axe(&self) {
        let loaded = self
            .execute("return typeof window.axe === 'object';", vec![])
            .await;
        if loaded != json!(true) {
            self.execute(&format!("{AXE}\nreturn true;"), vec![]).await;
        }
    }

    async fn axe_violations(&self) -> Vec<Value> {
        let result = self
            .client
            .execute_async(RUN_AXE, vec![json!(FAILING_IMPACTS)])
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run: {e}"));
        match result {
            Value::Array(list) => list,
            other => panic!("axe-core failed: {other}"),
        }
    }
}

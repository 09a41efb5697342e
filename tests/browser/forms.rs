//! What a failed form submit must show: a title that starts with 「エラー: 」 / "Error: ", an
//! error summary that names each field and links to an element that exists (the field, or
//! the first choice of a group), and, with JavaScript off as much as on, a page that opens at
//! the summary rather than at its top.

use serde_json::{Value, json};

use crate::visitor::Visitor;

/// Per link of the summary: its target id, whether the target exists, the link's text, and
/// the label or legend of the target's field (without the 「必須」 mark).
const SUMMARY_LINKS: &str = r##"
const label = (el) => {
  if (!el) return null;
  const group = el.closest("fieldset.field");
  const owner = group ? group.querySelector("legend") : (el.labels && el.labels[0]);
  if (!owner) return null;
  const copy = owner.cloneNode(true);
  copy.querySelectorAll(".required, input").forEach((e) => e.remove());
  return copy.textContent.trim();
};
return Array.from(document.querySelectorAll("#error-summary a")).map((a) => {
  const id = decodeURIComponent((a.getAttribute("href") || "").replace(/^#/, ""));
  const target = document.getElementById(id);
  return { id, exists: !!target, text: a.textContent.trim(), label: label(target), name: target && (target.name || target.getAttribute("name")) };
});
"##;

/// Where the page opened: whether the summary has the focus and lies in the viewport.
const LANDING: &str = r##"
const s = document.getElementById("error-summary");
if (!s) return null;
const r = s.getBoundingClientRect();
return { focused: document.activeElement === s || s.contains(document.activeElement), top: r.top, bottom: r.bottom, height: window.innerHeight };
"##;

/// Asserts the error summary of the page shown now: it links exactly the fields `names`
/// (their `name` attributes), each link names its field, and the title says 「エラー」.
pub async fn assert_error_summary(v: &Visitor, names: &[&str]) {
    let page = v.path().await;
    let title = v.title().await;
    assert!(
        title.starts_with(v.t("form.error_title_prefix")),
        "the title of {page} does not start with {:?}: {title:?}",
        v.t("form.error_title_prefix")
    );
    let links = v.script(SUMMARY_LINKS, vec![]).await;
    let links = links.as_array().cloned().unwrap_or_default();
    let linked: Vec<&str> = links.iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(
        linked, names,
        "the fields the summary on {page} links: {links:?}"
    );
    for link in &links {
        assert_eq!(
            link["exists"],
            json!(true),
            "a summary link on {page} points nowhere: {link}"
        );
        let label = link["label"].as_str().unwrap_or_default();
        let text = link["text"].as_str().unwrap_or_default();
        assert!(
            !label.is_empty() && text.contains(label),
            "the summary link on {page} does not name its field {label:?}: {text:?}"
        );
    }
    let landing = v.script(LANDING, vec![]).await;
    assert_landed(&page, &landing);
}

fn assert_landed(page: &str, landing: &Value) {
    assert_eq!(
        landing["focused"],
        json!(true),
        "the error summary on {page} does not have the focus: {landing}"
    );
    let top = landing["top"].as_f64().unwrap_or(f64::MAX);
    let bottom = landing["bottom"].as_f64().unwrap_or(f64::MIN);
    let height = landing["height"].as_f64().unwrap_or(0.0);
    assert!(
        bottom > 0.0 && top < height,
        "the error summary on {page} is not on the screen the page opens at: {landing}"
    );
}

//! The control of the checks: a page with a known accessibility fault and a box wider than
//! the phone fails them, with scripts on and off. Without it, "no finding" on the journeys
//! could mean that the checks never ran.

use crate::checks::Findings;
use crate::chrome::{Device, Driver, Script};

/// An image link without a name (axe `link-name` and `image-alt`, both serious or worse) and a
/// 600 px box.
const FAULTY_PAGE: &str = "data:text/html;charset=utf-8,<!doctype html><html lang=ja><head>\
    <title>control</title><meta name=viewport content='width=device-width'></head><body><main>\
    <h1>control</h1><a href='/x'><img src='/y.png'></a><div style='width:600px'>wide</div>\
    </main></body></html>";

async fn the_faults_are_found(script: Script) {
    let driver = Driver::start().await;
    let session = driver.session(Device::Phone, script).await;
    session
        .client
        .goto(FAULTY_PAGE)
        .await
        .expect("open the page");
    let mut findings = Findings::default();
    session.check_page(&mut findings).await;
    session.close().await;
    let all = findings.failures().join("\n");
    assert!(all.contains("axe link-name"), "{all}");
    assert!(all.contains("axe image-alt"), "{all}");
    assert!(all.contains("overflow on"), "{all}");
}

#[tokio::test]
async fn the_checks_find_an_unnamed_image_link_and_a_wide_box() {
    the_faults_are_found(Script::On).await;
}

#[tokio::test]
async fn the_checks_find_them_with_javascript_off_too() {
    the_faults_are_found(Script::Off).await;
}

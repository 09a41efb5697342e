//! Debian's headless Chromium through `chromium-driver`: the driver process on a free port of
//! loopback, and browser sessions with a device size and JavaScript on or off.
//!
//! Nothing is downloaded at run time: the binaries are the packages `chromium` and
//! `chromium-driver` (`apt-get install chromium chromium-driver`). A missing driver fails the
//! test with that command, it never skips: whoever runs `cargo test --test browser` asked
//! for a browser.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// The driver binary (`CHROMEDRIVER` overrides it).
fn driver_binary() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into())
}

/// The browser binary (`CHROMIUM` overrides it).
fn browser_binary() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// What every session passes to Chromium. Without the background-networking switches, the
/// browser keeps dialling Google's services, and on a closed network the refused connections
/// pile up; `--no-sandbox` because CI runs as root in a container.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
];

/// A screen the page is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// An SME owner's phone: 390×844 CSS pixels, touch, mobile viewport rules.
    Phone,
    /// Bureau staff's desktop: 1366×900.
    Desktop,
}

impl Device {
    /// Width in CSS pixels.
    pub fn width(self) -> u32 {
        match self {
            Device::Phone => 390,
            Device::Desktop => 1366,
        }
    }

    /// The Chrome DevTools device metrics of this screen.
    fn metrics(self) -> Value {
        match self {
            Device::Phone => {
                json!({"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": true})
            }
            Device::Desktop => {
                json!({"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": false})
            }
        }
    }
}

/// Whether pages may run their scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// JavaScript on (the default of every browser).
    On,
    /// JavaScript off, as with a content blocker or a strict corporate policy: every page
    /// must work without it. (Switched off through the DevTools protocol rather than the
    /// browser's content setting, so that the checks can still run axe-core in the page.)
    Off,
}

/// A running `chromedriver` on a free loopback port; killed (with the browsers it started)
/// when dropped.
pub struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Starts the driver and waits until it accepts sessions.
    pub async fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let binary = driver_binary();
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg("--log-level=SEVERE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so that Drop can end the driver and the browsers it
            // started together, even when a test fails half-way.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {binary} ({e}): the browser tests need Debian's Chromium and its \
                     driver: apt-get install -y chromium chromium-driver"
                )
            });
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_ready().await;
        driver
    }

    async fn wait_ready(&self) {
        let status = format!("{}/status", self.url);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let client = reqwest::Client::new();
        loop {
            if let Ok(res) = client.get(&status).send().await
                && let Ok(body) = res.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "chromedriver did not become ready at {status}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A new browser (a fresh, empty profile) on `device` with scripts on or off.
    pub async fn session(&self, device: Device, script: Script) -> Session {
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        // A browser set up in Japan: it asks for Japanese pages (`--lang` does not reach
        // the Accept-Language of a headless browser; the preference does).
        let prefs = json!({ "intl.accept_languages": "ja,en" });
        let options = json!({ "binary": browser_binary(), "args": args, "prefs": prefs });
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        caps.insert("unhandledPromptBehavior".into(), json!("ignore"));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("chromium did not start through chromedriver: {e}"));
        let session = Session {
            client,
            device,
            script,
            _profile: profile,
        };
        session.emulate(device).await;
        if script == Script::Off {
            session.allow_scripts(false).await;
        }
        session
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group of the driver: it and the browsers it started (see `process_group`).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command of the Chrome DevTools protocol, sent through chromedriver's
/// `goog/cdp/execute` endpoint (fantoccini speaks W3C WebDriver only).
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// One browser: a WebDriver client and what it emulates.
pub struct Session {
    /// The WebDriver client.
    pub client: Client,
    /// The screen of the journey.
    pub device: Device,
    /// Scripts on or off.
    pub script: Script,
    _profile: tempfile::TempDir,
}

impl Session {
    /// Lays pages out for `device` from now on (the page stays; it reflows).
    pub async fn emulate(&self, device: Device) {
        self.client
            .issue_cmd(DevTools {
                method: "Emulation.setDeviceMetricsOverride",
                params: device.metrics(),
            })
            .await
            .expect("device emulation");
    }

    /// Lets the pages from now on run their scripts, or not. The page shown stays as it is
    /// (scripts it skipped do not run later): the checks turn scripts on for a moment to run
    /// axe-core in a page that loaded without them.
    pub async fn allow_scripts(&self, allowed: bool) {
        self.client
            .issue_cmd(DevTools {
                method: "Emulation.setScriptExecutionDisabled",
                params: json!({ "value": !allowed }),
            })
            .await
            .expect("switching scripts");
    }

    /// Ends the browser.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

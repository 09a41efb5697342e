//! DKIM: what the service signs verifies with an independent verifier (the `mail-auth` crate,
//! fed the TXT record of a key made for the test instead of DNS), for a transactional mail and a
//! newsletter campaign, with RSA keys in PKCS#8 and PKCS#1 PEM and with an Ed25519 key; a mail
//! changed after signing fails.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
};
use secunity::accounts::Role;
use serde_json::json;

use crate::support::smtp::{Received, SmtpServer};
use crate::support::{TestApp, spawn_app_with};

const DOMAIN: &str = "secunity.example.jp";
const SELECTOR: &str = "s2026";

/// A signing key made for one test: its PEM file and the DNS record of its public key,
/// computed here from the key (not by the service).
struct TestKey {
    pem: String,
    record: String,
}

fn rsa_key(pkcs8: bool) -> TestKey {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let pem = if pkcs8 {
        key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    } else {
        key.to_pkcs1_pem(LineEnding::LF).unwrap().to_string()
    };
    let public = key.to_public_key().to_public_key_der().unwrap();
    TestKey {
        pem,
        record: format!("v=DKIM1; k=rsa; p={}", STANDARD.encode(public.as_bytes())),
    }
}

fn ed25519_key() -> TestKey {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
    let key = ed25519_dalek::SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    TestKey {
        pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        record: format!(
            "v=DKIM1; k=ed25519; p={}",
            STANDARD.encode(key.verifying_key().to_bytes())
        ),
    }
}

/// The verifier's DNS: the one TXT record of the test key.
struct TxtRecords(Mutex<HashMap<String, Txt>>);

impl ResolverCache<String, Txt> for TxtRecords {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().unwrap().get(name).cloned()
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().unwrap().remove(name)
    }

    fn insert(&self, key: String, value: Txt, _: std::time::Instant) {
        self.0.lock().unwrap().insert(key, value);
    }
}

/// Verifies the DKIM signatures of a raw message against `record`: the results and, for the
/// first signature, its `h=` tag.
async fn verify(raw: &[u8], record: &str) -> (Vec<DkimResult>, Vec<String>) {
    let key = DomainKey::parse(record.as_bytes()).expect("a valid DKIM record");
    let dns = TxtRecords(Mutex::new(HashMap::from([(
        format!("{SELECTOR}._domainkey.{DOMAIN}."),
        Txt::from(key),
    )])));
    let verifier =
        MessageAuthenticator::new(ResolverConfig::default(), ResolverOpts::default()).unwrap();
    let message = AuthenticatedMessage::parse(raw).expect("a parsable message");
    let outputs = verifier
        .verify_dkim(Parameters::new(&message).with_txt_cache(&dns))
        .await;
    let signed = outputs
        .first()
        .and_then(|o| o.signature())
        .map(|s| s.h.iter().map(|h| h.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    (outputs.iter().map(|o| o.result().clone()).collect(), signed)
}

async fn app_signing_with(key: &TestKey) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dkim.pem");
    std::fs::write(&file, &key.pem).unwrap();
    let file = file.to_string_lossy().to_string();
    let app = spawn_app_with(
        &[
            ("DKIM_DOMAIN", DOMAIN),
            ("DKIM_SELECTOR", SELECTOR),
            ("DKIM_PRIVATE_KEY_FILE", &file),
            (
                "MAIL_FROM",
                "地域SECUNITY 九州経済産業局 デジタル経済室 <no-reply@secunity.example.jp>",
            ),
        ],
        SmtpServer::start().await,
    )
    .await;
    // The key is read when the workers start; the file may go now.
    drop(dir);
    app
}

/// A sign-in link mail (transactional).
async fn transactional(app: &TestApp) -> Received {
    let res = app
        .post_form_from(
            "/login",
            "/auth/email",
            &[("email", "dkim-user@example.jp")],
        )
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    let got = app.smtp.wait_for(1, Duration::from_secs(20)).await;
    got.into_iter()
        .find(|m| m.rcpt_to == ["dkim-user@example.jp"])
        .expect("the sign-in mail")
}

/// A newsletter campaign mail (with List-Unsubscribe), to a subscriber imported by staff.
async fn campaign(app: &TestApp) -> Received {
    let (_, token) = app.api_token("dkim-staff@example.jp", Role::Staff).await;
    let post = |path: &str, body: serde_json::Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let res = post(
        "/api/v1/subscribers",
        json!({"email": "reader@example.jp", "name": "読者 花子", "topics": ["events"],
               "confirmed": true, "consent_source": "DKIM test"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let res = post(
        "/api/v1/campaigns",
        json!({"subject": "【九州IoTコミュニティ】メールマガジン 第42号:補助金・公募情報とセキュリティ注意喚起のお知らせ",
               "body_markdown": "## 今月の補助金\n\n長い本文の行です。".repeat(20), "topics": ["events"]}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = post(&format!("/api/v1/campaigns/{id}/send"), json!({}))
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(m) = app
            .smtp
            .messages()
            .into_iter()
            .find(|m| m.rcpt_to == ["reader@example.jp"])
        {
            return m;
        }
        assert!(tokio::time::Instant::now() < deadline, "no campaign mail");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The mail with its first occurrence of `from` replaced by `to`.
fn tampered(m: &Received, from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(m.data.clone()).unwrap();
    assert!(text.contains(from), "{from} is not in the mail");
    text.replacen(from, to, 1).into_bytes()
}

async fn assert_verifies(m: &Received, key: &TestKey, headers: &[&str]) {
    let (results, signed) = verify(&m.data, &key.record).await;
    assert_eq!(
        results,
        vec![DkimResult::Pass],
        "{}",
        String::from_utf8_lossy(&m.data)
    );
    for h in headers {
        assert!(
            signed.iter().any(|s| s == h),
            "{h} is not signed: h={signed:?}"
        );
    }
    let signature = m.raw_header("DKIM-Signature").unwrap();
    assert!(signature.contains("c=relaxed/relaxed"), "{signature}");
}

/// A changed subject, or a changed byte of the body, fails verification.
async fn assert_tampering_fails(m: &Received, key: &TestKey, body_text: &str) {
    let forged = tampered(m, "\r\nSubject: ", "\r\nSubject: Re: ");
    let (results, _) = verify(&forged, &key.record).await;
    assert!(
        matches!(results.as_slice(), [DkimResult::Fail(_)]),
        "{results:?}"
    );
    let forged = tampered(m, body_text, &body_text.to_uppercase());
    let (results, _) = verify(&forged, &key.record).await;
    assert!(
        matches!(
            results.as_slice(),
            [DkimResult::Neutral(_) | DkimResult::Fail(_)]
        ),
        "a changed body verified: {results:?}"
    );
    assert!(!results.contains(&DkimResult::Pass));
}

const TRANSACTIONAL_HEADERS: &[&str] = &["from", "to", "subject", "date", "message-id"];
const CAMPAIGN_HEADERS: &[&str] = &[
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
];

#[tokio::test]
async fn mails_signed_with_an_rsa_pkcs8_key_verify() {
    let key = rsa_key(true);
    let app = app_signing_with(&key).await;
    let mail = transactional(&app).await;
    assert_verifies(&mail, &key, TRANSACTIONAL_HEADERS).await;
    assert_tampering_fails(&mail, &key, "Content-Transfer-Encoding").await;
    let news = campaign(&app).await;
    assert!(news.raw_header("List-Unsubscribe-Post").is_some());
    assert_verifies(&news, &key, CAMPAIGN_HEADERS).await;
    assert_tampering_fails(&news, &key, "Content-Transfer-Encoding").await;
}

#[tokio::test]
async fn mails_signed_with_an_rsa_pkcs1_key_verify() {
    let key = rsa_key(false);
    assert!(key.pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let app = app_signing_with(&key).await;
    assert_verifies(&transactional(&app).await, &key, TRANSACTIONAL_HEADERS).await;
    assert_verifies(&campaign(&app).await, &key, CAMPAIGN_HEADERS).await;
}

#[tokio::test]
async fn mails_signed_with_an_ed25519_key_verify() {
    let key = ed25519_key();
    let app = app_signing_with(&key).await;
    let mail = transactional(&app).await;
    assert!(
        mail.raw_header("DKIM-Signature")
            .unwrap()
            .contains("a=ed25519-sha256")
    );
    assert_verifies(&mail, &key, TRANSACTIONAL_HEADERS).await;
    let news = campaign(&app).await;
    assert_verifies(&news, &key, CAMPAIGN_HEADERS).await;
    assert_tampering_fails(&news, &key, "Content-Transfer-Encoding").await;
}

#[tokio::test]
async fn a_key_of_another_kind_stops_the_workers_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dkim.pem");
    std::fs::write(
        &file,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let mut env = HashMap::new();
    for (k, v) in [
        ("DKIM_DOMAIN", DOMAIN),
        ("DKIM_SELECTOR", SELECTOR),
        ("DKIM_PRIVATE_KEY_FILE", file.to_str().unwrap()),
    ] {
        env.insert(k.to_string(), v.to_string());
    }
    let config = secunity::config::Config::from_sources(None, &env).unwrap();
    let error = secunity::mail::dkim::dkim_config(config.dkim.as_ref().unwrap())
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("DKIM_PRIVATE_KEY_FILE"), "{error}");
    assert!(error.contains("\"CERTIFICATE\""), "{error}");
    assert!(error.contains("BEGIN PRIVATE KEY"), "{error}");
}

//! A small OAuth2 authorization server on loopback for the sign-in tests: authorization code
//! with PKCE (S256), one-time codes, a userinfo endpoint.
// Another system, not the service: it reads its requests with actix's own extractors.
#![allow(clippy::disallowed_types)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

struct Inner {
    codes: HashMap<String, String>,
    used: Vec<String>,
    tokens: Vec<String>,
    /// What the userinfo endpoint answers.
    userinfo: serde_json::Value,
}

impl Default for Inner {
    fn default() -> Self {
        Self {
            codes: HashMap::new(),
            used: Vec::new(),
            tokens: Vec::new(),
            userinfo: serde_json::json!({
                "sub": "gbiz-0001", "email": "Hanako@Example.JP", "email_verified": true, "name": "九州 花子"
            }),
        }
    }
}

/// The running provider.
pub struct TestProvider {
    /// `http://127.0.0.1:port`.
    pub base: String,
    inner: web::Data<Arc<Mutex<Inner>>>,
    _handle: actix_web::dev::ServerHandle,
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
}

#[derive(Deserialize)]
struct TokenForm {
    code: String,
    code_verifier: String,
}

async fn authorize(
    data: web::Data<Arc<Mutex<Inner>>>,
    q: web::Query<AuthorizeQuery>,
) -> HttpResponse {
    assert_eq!(q.code_challenge_method, "S256");
    let code = format!("code-{}", rand::random::<u64>());
    data.lock()
        .unwrap()
        .codes
        .insert(code.clone(), q.code_challenge.clone());
    HttpResponse::Found()
        .insert_header((
            "Location",
            format!("{}?code={code}&state={}", q.redirect_uri, q.state),
        ))
        .finish()
}

async fn token(data: web::Data<Arc<Mutex<Inner>>>, form: web::Form<TokenForm>) -> HttpResponse {
    let mut inner = data.lock().unwrap();
    let challenge = inner.codes.get(&form.code).cloned();
    let reused = inner.used.contains(&form.code);
    let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(form.code_verifier.as_bytes()));
    match challenge {
        Some(c) if !reused && c == expected => {
            inner.used.push(form.code.clone());
            let token = format!("at-{}", rand::random::<u64>());
            inner.tokens.push(token.clone());
            HttpResponse::Ok().json(serde_json::json!({
                "access_token": token, "token_type": "bearer", "expires_in": 3600
            }))
        }
        _ => HttpResponse::BadRequest().json(serde_json::json!({"error": "invalid_grant"})),
    }
}

async fn userinfo(data: web::Data<Arc<Mutex<Inner>>>, req: HttpRequest) -> HttpResponse {
    let auth = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok = auth
        .strip_prefix("Bearer ")
        .is_some_and(|t| data.lock().unwrap().tokens.iter().any(|k| k == t));
    if !ok {
        return HttpResponse::Unauthorized().finish();
    }
    let info = data.lock().unwrap().userinfo.clone();
    HttpResponse::Ok().json(info)
}

impl TestProvider {
    /// Starts the provider.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let inner = web::Data::new(Arc::new(Mutex::new(Inner::default())));
        let shared = inner.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
                .route("/userinfo", web::get().to(userinfo))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            base,
            inner,
            _handle: handle,
        }
    }

    /// Sets what the userinfo endpoint answers from now on (the default is a verified
    /// `Hanako@Example.JP` with subject `gbiz-0001`).
    #[allow(dead_code)]
    pub fn set_userinfo(&self, info: serde_json::Value) {
        self.inner.lock().unwrap().userinfo = info;
    }

    /// The `OAUTH_*` settings that point the service at this provider.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OAUTH_PROVIDER_NAME", "gBizID".into()),
            ("OAUTH_CLIENT_ID", "secunity-test".into()),
            ("OAUTH_CLIENT_SECRET", "s3cret".into()),
            ("OAUTH_AUTH_URL", format!("{}/authorize", self.base)),
            ("OAUTH_TOKEN_URL", format!("{}/token", self.base)),
            ("OAUTH_USERINFO_URL", format!("{}/userinfo", self.base)),
            ("OAUTH_SCOPES", "openid email profile".into()),
        ]
    }
}

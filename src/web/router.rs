//! Route registration that also keeps a list of every method and path, so tests can walk the
//! whole route table (every state-changing route must refuse a request without a CSRF token,
//! every `/api/v1` route must be in the OpenAPI document), and so a request with a method its
//! path does not take is answered 405 with `Allow` ([`RouteTable`], [`allow_methods`]).
//!
//! Every GET route answers HEAD too (RFC 9110 §9.3.2): same handler, same headers; the HTTP
//! layer sends no body for HEAD.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{ALLOW, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, Responder, guard};

use crate::error::AppError;

/// Registers routes into actix and records them.
pub struct Router<'a> {
    cfg: &'a mut ServiceConfig,
    seen: Vec<(&'static str, &'static str)>,
}

macro_rules! method {
    ($(#[$doc:meta])* $name:ident, $verb:literal, $route:path) => {
        $(#[$doc])*
        pub fn $name<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.seen.push(($verb, path));
            self.cfg.route(path, $route().to(handler));
            self
        }
    };
}

impl<'a> Router<'a> {
    /// Wraps actix's route configuration.
    pub fn new(cfg: &'a mut ServiceConfig) -> Self {
        Self {
            cfg,
            seen: Vec::new(),
        }
    }

    /// A GET route; HEAD is answered by the same handler.
    pub fn get<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.seen.push(("GET", path));
        let get_or_head = guard::Any(guard::Get()).or(guard::Head());
        self.cfg
            .route(path, web::route().guard(get_or_head).to(handler));
        self
    }
    method!(
        /// A POST route.
        post,
        "POST",
        web::post
    );
    method!(
        /// A PUT route.
        put,
        "PUT",
        web::put
    );
    method!(
        /// A PATCH route.
        patch,
        "PATCH",
        web::patch
    );
    method!(
        /// A DELETE route.
        delete,
        "DELETE",
        web::delete
    );

    /// The routes registered so far: (method, path pattern).
    pub fn into_list(self) -> Vec<(&'static str, &'static str)> {
        self.seen
    }
}

/// The methods each path pattern takes, to tell a wrong method (405) from an unknown path (404).
pub struct RouteTable {
    /// Method, the pattern's literal part before its first parameter, and the pattern.
    routes: Vec<(&'static str, &'static str, ResourceDef)>,
}

impl RouteTable {
    /// From the list a [`Router`] recorded.
    pub fn new(list: &[(&'static str, &'static str)]) -> Self {
        Self {
            routes: list
                .iter()
                .map(|(method, path)| {
                    let literal = &path[..path.find('{').unwrap_or(path.len())];
                    (*method, literal, ResourceDef::new(*path))
                })
                .collect(),
        }
    }

    /// The methods some route of `path` takes (HEAD wherever GET is), in a stable order; empty
    /// when no route matches the path.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let mut methods: Vec<&'static str> = Vec::new();
        for (method, literal, def) in &self.routes {
            // A pattern matches only paths that begin with its literal part: the pattern's
            // own matcher (a regular expression for a pattern with parameters) runs only for
            // those, not for every route on every request.
            if path.starts_with(literal) && def.is_match(path) && !methods.contains(method) {
                methods.push(method);
                if *method == "GET" {
                    methods.push("HEAD");
                }
            }
        }
        const ORDER: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
        methods.sort_by_key(|m| ORDER.iter().position(|o| o == m));
        methods
    }
}

/// The middleware: a request whose path is known but whose method no route of that path takes
/// is answered 405 with `Allow` (an HTML page, or JSON under `/api`), before the CSRF check
/// could answer 403 for it. Unknown paths go on to the 404 of the default service.
pub async fn allow_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let allowed = match req.app_data::<web::Data<RouteTable>>() {
        Some(table) => table.allowed(req.path()),
        None => Vec::new(),
    };
    let method: &Method = req.method();
    if allowed.is_empty() || allowed.contains(&method.as_str()) {
        return next.call(req).await.map(|r| r.map_into_left_body());
    }
    let mut res = req.error_response(AppError::MethodNotAllowed);
    if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(ALLOW, value);
    }
    Ok(res.map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_methods_are_those_of_every_matching_pattern() {
        let table = RouteTable::new(&[
            ("GET", "/seminars/{id:\\d+}"),
            ("POST", "/seminars/{id:\\d+}/registrations"),
            ("GET", "/seminars/{id:\\d+}.ics"),
            ("POST", "/account/profile"),
            ("PATCH", "/api/v1/seminars/{id:\\d+}"),
            ("GET", "/api/v1/seminars/{id:\\d+}"),
        ]);
        assert_eq!(table.allowed("/seminars/7"), ["GET", "HEAD"]);
        assert_eq!(table.allowed("/seminars/7/registrations"), ["POST"]);
        assert_eq!(table.allowed("/account/profile"), ["POST"]);
        assert_eq!(
            table.allowed("/api/v1/seminars/3"),
            ["GET", "HEAD", "PATCH"]
        );
        assert!(table.allowed("/seminars/abc").is_empty());
        assert!(table.allowed("/seminars").is_empty());
        assert!(table.allowed("/seminars/").is_empty());
        assert!(table.allowed("/account/profile/x").is_empty());
        assert!(table.allowed("/nothing").is_empty());
    }
}

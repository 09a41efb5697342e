//! Route registration that also keeps a list of every method and path, so tests can walk the
//! whole route table (every state-changing route must refuse a request without a CSRF token,
//! every `/api/v1` route must be in the OpenAPI document).

use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, Responder};

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

    method!(
        /// A GET route (HEAD is answered too).
        get,
        "GET",
        web::get
    );
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

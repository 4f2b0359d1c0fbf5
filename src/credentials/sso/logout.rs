//! Signing out: the portal forgets the sign-in, and this machine forgets its token.

use super::{SsoLogin, portal, token};
use crate::credentials::http;

pub enum SignedOut {
    /// The token was revoked at the portal (or had already expired there) and removed here.
    Done,
    /// There was no token to remove.
    NotSignedIn,
}

pub async fn sign_out(net: &http::Settings, login: &SsoLogin) -> anyhow::Result<SignedOut> {
    // A damaged cache is removed all the same: it signs nobody in.
    let token = token::unexpired(login).unwrap_or_else(|e| {
        crate::sys::error::warn(format!("{e:#}"));
        None
    });
    let revoked = match &token {
        Some(token) => portal::logout(net, login, token).await,
        None => Ok(()),
    };
    // The token is removed even when the portal could not be reached, so that nothing here can
    // use the sign-in any more; the portal's failure is still reported.
    let removed = token::remove(login)?;
    revoked?;
    Ok(if removed || token.is_some() {
        SignedOut::Done
    } else {
        SignedOut::NotSignedIn
    })
}

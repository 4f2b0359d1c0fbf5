//! The secrets of one authorization-code sign-in (RFC 7636 PKCE, and the OAuth `state`), and the
//! browser URL that carries their public halves.

use crate::sys::digest::sha256;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::credentials::Secret;
use crate::sys::error::Failure;

pub struct Pkce {
    /// Sent only to CreateToken, so a code stolen on its way to the listener is worthless.
    pub verifier: Secret,
    pub challenge: String,
    /// Echoed back by the browser; a callback with any other value did not come from this sign-in.
    pub state: String,
}

fn random_text(bytes: usize) -> Result<String, Failure> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| {
        Failure::unavailable(format!("the system's random number source failed: {e}"))
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

impl Pkce {
    pub fn new() -> Result<Self, Failure> {
        // 48 random bytes are 64 base64url characters, all in the verifier's alphabet
        // [A-Za-z0-9-._~], which is the length the AWS CLI uses.
        let verifier = random_text(48)?;
        let challenge = URL_SAFE_NO_PAD.encode(sha256(&[verifier.as_bytes()]));
        Ok(Pkce {
            verifier: Secret::new(verifier),
            challenge,
            state: random_text(32)?,
        })
    }

    pub fn authorize_url(
        &self,
        endpoint: &str,
        client_id: &str,
        redirect_uri: &str,
        scopes: Option<&[String]>,
    ) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", &self.state)
            .append_pair("code_challenge_method", "S256");
        if let Some(scopes) = scopes.filter(|s| !s.is_empty()) {
            query.append_pair("scopes", &scopes.join(" "));
        }
        query.append_pair("code_challenge", &self.challenge);
        format!("{endpoint}?{}", query.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_and_challenge() {
        let pkce = Pkce::new().unwrap();
        let verifier = pkce.verifier.expose();
        assert_eq!(verifier.len(), 64);
        assert!(
            verifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_eq!(
            pkce.challenge,
            URL_SAFE_NO_PAD.encode(sha256(&[verifier.as_bytes()]))
        );
        assert_ne!(pkce.state, Pkce::new().unwrap().state);
    }

    #[test]
    fn rfc_7636_example() {
        let challenge = URL_SAFE_NO_PAD.encode(sha256(&[
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".as_bytes(),
        ]));
        assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn url_carries_everything_encoded() {
        let pkce = Pkce::new().unwrap();
        let scopes = vec!["sso:account:access".to_string()];
        let url = pkce.authorize_url(
            "http://127.0.0.1:1/authorize",
            "cid",
            "http://127.0.0.1:2/oauth/callback",
            Some(&scopes),
        );
        assert!(url.starts_with("http://127.0.0.1:1/authorize?response_type=code&client_id=cid&"));
        assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A2%2Foauth%2Fcallback"));
        assert!(url.contains("scopes=sso%3Aaccount%3Aaccess"));
        assert!(url.ends_with(&format!("code_challenge={}", pkce.challenge)));
        assert!(!url.contains(pkce.verifier.expose()));
    }
}

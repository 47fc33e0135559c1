//! Signing in through the organisation's identity provider: OpenID Connect Core 1.0,
//! authorization code flow with PKCE (RFC 7636), `state` and `nonce`, discovery from
//! the issuer URL (OpenID Connect Discovery 1.0), and RP-initiated logout (OpenID
//! Connect RP-Initiated Logout 1.0) when the provider offers it. The ID token's
//! signature, issuer, audience, expiry and nonce are verified by the `openidconnect`
//! crate; the role and scope come from a group claim ([`groups`]) at every sign-in.
//!
//! Everything here blocks (HTTP to the provider): call it off the async executor.

mod flows;
mod groups;
mod people;
mod transport;

use std::sync::{Arc, Mutex};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreResponseType,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationFlow, AuthorizationCode, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdToken, IdTokenFields, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};

pub use flows::{store as store_flow, take as take_flow, PendingFlow, FLOW_MINUTES};
pub use groups::GroupPatterns;
pub use people::{record as record_person, NameRefusal};
pub use transport::Http;

use crate::clock::Clock;

/// The claims of an ID token beyond the standard ones (the group claim among them),
/// by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}
impl AdditionalClaims for OtherClaims {}

type Tokens = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// The relying party as `openidconnect` builds it from discovery.
type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// An ID token of this relying party.
pub type OidcIdToken = IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The relying party's settings (`DIRA_OIDC_*`, see the README's "Configuration").
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer exactly as the provider states it (no trailing `/` unless it has one).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends the browser back: dira's `/inloggen/oidc/terug`.
    pub redirect_url: String,
    /// Scopes asked for besides `openid` (default `profile groups`).
    pub scopes: Vec<String>,
    /// The claim that gives the user name (default `preferred_username`, else `sub`).
    pub user_claim: String,
    /// The claim that lists the groups (default `groups`).
    pub groups_claim: String,
    pub groups: GroupPatterns,
}

/// Why a sign-in through the provider did not succeed: what the person is shown
/// (in Dutch, by the page) and what the audit log keeps.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider cannot be reached or answers nonsense (discovery, JWKS, token).
    #[error("the identity provider could not be used: {0}")]
    Provider(String),
    /// The answer does not belong to a sign-in this browser started (state, flow).
    #[error("the answer does not belong to a sign-in started here: {0}")]
    Flow(String),
    /// The provider refused (e.g. `access_denied`) or the code was refused.
    #[error("the identity provider refused: {0}")]
    Refused(String),
    /// The ID token failed verification (signature, issuer, audience, expiry, nonce).
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
    /// The claims give no user name dira can use.
    #[error("the claims give no usable user name: {0}")]
    NoUserName(String),
}

/// A verified sign-in: who the provider says it is, and the groups it gives.
#[derive(Debug, Clone)]
pub struct Verified {
    /// `sub`.
    pub subject: String,
    /// From the user claim.
    pub user: String,
    pub groups: Vec<String>,
    /// The ID token as received (for `id_token_hint` at sign-out).
    pub id_token: String,
}

struct Discovered {
    client: OidcClient,
    end_session: Option<EndSessionUrl>,
}

/// The identity provider: settings, and what discovery found (fetched at the first
/// sign-in, again when the provider signs with a key it did not list before).
pub struct Provider {
    pub settings: OidcSettings,
    http: Http,
    clock: Clock,
    discovered: Mutex<Option<Arc<Discovered>>>,
}

impl Provider {
    /// The provider of `settings`, checking token times by `clock`; nothing is fetched
    /// until the first sign-in.
    pub fn new(settings: OidcSettings, clock: Clock) -> Provider {
        Provider {
            settings,
            http: Http::new(),
            clock,
            discovered: Mutex::new(None),
        }
    }

    fn discovered(&self, again: bool) -> Result<Arc<Discovered>, OidcError> {
        let mut cached = self
            .discovered
            .lock()
            .map_err(|_| OidcError::Provider("discovery lock poisoned".into()))?;
        if let (Some(d), false) = (cached.as_ref(), again) {
            return Ok(d.clone());
        }
        let s = &self.settings;
        let issuer = IssuerUrl::new(s.issuer.clone())
            .map_err(|e| OidcError::Provider(format!("issuer URL: {e}")))?;
        let meta = ProviderMetadataWithLogout::discover(&issuer, &self.http)
            .map_err(|e| OidcError::Provider(format!("discovery: {e}")))?;
        let end_session = meta.additional_metadata().end_session_endpoint.clone();
        let redirect = RedirectUrl::new(s.redirect_url.clone())
            .map_err(|e| OidcError::Provider(format!("redirect URL: {e}")))?;
        let client = OidcClient::from_provider_metadata(
            meta,
            ClientId::new(s.client_id.clone()),
            Some(ClientSecret::new(s.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        let found = Arc::new(Discovered {
            client,
            end_session,
        });
        *cached = Some(found.clone());
        Ok(found)
    }

    /// Fetches the provider's discovery document and keys now (at start-up), so that a
    /// wrong issuer or an unreachable provider is reported before anyone signs in.
    pub fn check(&self) -> Result<(), OidcError> {
        self.discovered(false).map(|_| ())
    }

    /// Starts a sign-in: the provider's authorization URL to send the browser to, and
    /// what its answer must match (to keep for this browser).
    pub fn authorization(&self) -> Result<(String, PendingFlow), OidcError> {
        let d = self.discovered(false)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = d
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let flow = PendingFlow {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), flow))
    }

    /// Finishes a sign-in: checks the answer's `state` (and `iss`, RFC 9207) against
    /// `flow`, exchanges `code` with the PKCE verifier, and verifies the ID token.
    pub fn finish(
        &self,
        flow: &PendingFlow,
        code: &str,
        state: &str,
        iss: Option<&str>,
    ) -> Result<Verified, OidcError> {
        if !crate::text::same_secret(state, &flow.state) {
            return Err(OidcError::Flow("state does not match".into()));
        }
        if iss.is_some_and(|i| i != self.settings.issuer) {
            return Err(OidcError::Flow("iss is not the configured issuer".into()));
        }
        let d = self.discovered(false)?;
        let tokens = d
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .request(&self.http)
            .map_err(|e| OidcError::Refused(format!("token request: {e}")))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError::InvalidToken("the answer has no ID token".into()))?;
        match self.verify(&d, id_token, &flow.nonce, tokens.access_token()) {
            // A key the provider did not list at discovery: it may have rotated.
            Err(OidcError::InvalidToken(m)) if m.contains("no matching key") => {
                let d = self.discovered(true)?;
                self.verify(&d, id_token, &flow.nonce, tokens.access_token())
            }
            other => other,
        }
    }

    fn verify(
        &self,
        d: &Discovered,
        id_token: &OidcIdToken,
        nonce: &str,
        access_token: &openidconnect::AccessToken,
    ) -> Result<Verified, OidcError> {
        let clock = self.clock.clone();
        let verifier = d
            .client
            .id_token_verifier()
            .set_time_fn(move || clock.now().and_utc());
        let bad = |e: String| OidcError::InvalidToken(e.to_lowercase());
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce.to_owned()))
            .map_err(|e| bad(format!("{e}: {}", source_of(&e))))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token.signing_alg().map_err(|e| bad(e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| bad(e.to_string()))?;
            let actual = openidconnect::AccessTokenHash::from_token(access_token, alg, key)
                .map_err(|e| bad(e.to_string()))?;
            if actual != *expected {
                return Err(bad("at_hash does not match the access token".into()));
            }
        }
        let other = &claims.additional_claims().claims;
        let subject = claims.subject().as_str().to_owned();
        let user = match self.settings.user_claim.as_str() {
            "sub" => Some(subject.clone()),
            "preferred_username" => claims
                .preferred_username()
                .map(|u| u.as_str().to_owned())
                .or_else(|| Some(subject.clone())),
            // An address the person may have set themselves names no one.
            "email" if claims.email_verified() == Some(true) => {
                claims.email().map(|e| e.as_str().to_owned())
            }
            "email" => None,
            name => other.get(name).and_then(|v| v.as_str()).map(str::to_owned),
        }
        .ok_or_else(|| OidcError::NoUserName(format!("no {} claim", self.settings.user_claim)))?;
        crate::auth::check_user_name(&user).map_err(OidcError::NoUserName)?;
        let groups = match other.get(&self.settings.groups_claim) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(Verified {
            subject,
            user,
            groups,
            id_token: id_token.to_string(),
        })
    }

    /// The provider's sign-out URL for a session signed in with `id_token` (with only
    /// the client id when the session no longer has its token), returning to `after`
    /// (a post-logout redirect URI registered with the provider); `None` when the
    /// provider offers no `end_session_endpoint` or cannot be reached.
    pub fn logout_url(&self, id_token: Option<&str>, after: &str) -> Option<String> {
        let d = self.discovered(false).ok()?;
        let endpoint = d.end_session.clone()?;
        let mut request = LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.settings.client_id.clone()));
        if let Some(token) = id_token.and_then(|t| t.parse::<OidcIdToken>().ok()) {
            request = request.set_id_token_hint(&token);
        }
        if let Ok(url) = PostLogoutRedirectUrl::new(after.to_owned()) {
            request = request.set_post_logout_redirect_uri(url);
        }
        Some(request.http_get_url().to_string())
    }
}

/// The cause of a verification error, which says which key or claim failed.
fn source_of(e: &dyn std::error::Error) -> String {
    e.source().map(|s| s.to_string()).unwrap_or_default()
}

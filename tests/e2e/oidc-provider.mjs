// A test OpenID Provider for dira's single sign-on: oidc-provider 9.13.3 on
// http://localhost:PORT, with its development login page (any password is accepted for
// the account name typed in) and RP-initiated logout.
//
//   const op = await startProvider({ rpBase: 'http://127.0.0.1:8080' });
//   op.issuer   // 'http://localhost:PORT', no trailing slash: dira's DIRA_OIDC_ISSUER
//   await op.close();
//
// The provider is on `localhost`, dira on `127.0.0.1`: different sites, so the browser
// treats the sign-in like a real one (SameSite cookies are not sent on the way back
// from the provider). One client: `dira` / `dira-test-secret`, redirect URI
// `${rpBase}/inloggen/oidc/terug`, post-logout redirect URI `${rpBase}/inloggen`.
// Its ID tokens carry `preferred_username` and `groups` (scopes `profile`, `groups`).

import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'dira';
export const CLIENT_SECRET = 'dira-test-secret';

/// The people the provider knows, with their groups. Any other name typed in at the
/// login page signs in too, with no groups.
export const accounts = {
  'balie-ams': { name: 'Balie Amsterdam', groups: ['dira-registrar-AMS'] },
  'adc-ams': { name: 'Discriminatiecoördinator Amsterdam', groups: ['dira-screener-AMS'] },
  'analist-ams': { name: 'Analist Amsterdam', groups: ['dira-analyst-AMS'] },
  landelijk: { name: 'Landelijk', groups: ['dira-national'] },
  'zonder-rol': { name: 'Zonder Rol', groups: ['andere-applicatie'] },
};

const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

/// Starts the provider for the relying party at `rpBase` (scheme, host and port, no
/// trailing slash). Resolves once it listens.
export async function startProvider({ rpBase }) {
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  // Where `localhost` resolves to ::1 first, be there too (best effort).
  const v6 = http.createServer();
  await new Promise((resolve) => {
    v6.once('error', () => resolve());
    v6.listen(port, '::1', resolve);
  });
  const issuer = `http://localhost:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${rpBase}/inloggen/oidc/terug`],
      post_logout_redirect_uris: [`${rpBase}/inloggen`],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['dira-e2e-cookie-key'] },
    // `groups` becomes a scope of its own; its claim goes into the ID token.
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The default pages load a web font from the internet; these need nothing.
        async logoutSource(ctx, form) {
          ctx.body = page('Sign out?', `${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<p>You are signed out.</p>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Provider error', `<pre>${JSON.stringify(out, null, 2).replace(/</g, '&lt;')}</pre>`);
    },
    clientBasedCORS: () => false,
    async findAccount(ctx, sub) {
      const account = accounts[sub] ?? { name: sub, groups: [] };
      return {
        accountId: sub,
        async claims() {
          return { sub, preferred_username: sub, ...account };
        },
      };
    },
    // Every scope asked for is granted at once: no consent screen.
    async loadExistingGrant(ctx) {
      const id = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (id) return ctx.oidc.provider.Grant.find(id);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope ?? 'openid');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  server.on('request', callback);
  if (v6.listening) v6.on('request', callback);

  const closeServer = (s) => new Promise((resolve) => {
    if (!s.listening) return resolve();
    s.close(() => resolve());
    s.closeAllConnections();
  });
  return {
    issuer,
    provider,
    async close() {
      await Promise.all([closeServer(server), closeServer(v6)]);
    },
  };
}

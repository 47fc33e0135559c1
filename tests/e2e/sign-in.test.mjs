// End-to-end tests of signing in to dira's web pages in Debian's headless Chromium,
// driven by playwright-core: single sign-on through an OpenID Provider (oidc-provider,
// see oidc-provider.mjs) for each role, sign-out at dira and at the provider, a person
// without a dira group, a callback from another browser's sign-in, and local accounts
// with a password.
//
//   (cd tests/e2e && npm ci) && DIRA_BIN=target/debug/dira node --test tests/e2e/
//
// DIRA_BIN: the dira binary (default target/debug/dira). CHROMIUM: the browser
// (default /usr/bin/chromium).
//
// The harness: dira's port is chosen first (the provider must know dira's redirect
// URI), then the provider starts on http://localhost:P, then `dira serve` on
// http://127.0.0.1:Q with DIRA_OIDC_*; provider and dira are different sites, as in
// real life, so the browser's SameSite rules apply on the way back from the provider.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startProvider, CLIENT_ID, CLIENT_SECRET } from './oidc-provider.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.resolve(root, process.env.DIRA_BIN ?? 'target/debug/dira');
const work = mkdtempSync(path.join(tmpdir(), 'dira-e2e-sso-'));
const database = `sqlite://${work}/e2e.db`;
const env = Object.fromEntries(Object.entries({ ...process.env, DIRA_LOG: 'info', NO_COLOR: '1' })
  .filter(([name]) => !name.startsWith('DIRA_OIDC_')));
const COOKIE = '__Host-dira_sessie';

// The local account; its password is long enough (at least 12 characters).
const local = { user: 'lokaal-ams', password: 'correct-paard-batterij' };

let provider;
let server;
let base;
let browser;

function dira(args, input) {
  return execFileSync(bin, ['--database', database, ...args], {
    env, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/// `dira user create`, the password on standard input.
function createUser(user, role, scope, password) {
  return dira(['user', 'create', '--user', user, '--role', role, '--scope', scope], `${password}\n`);
}

/// A port on 127.0.0.1 that was free a moment ago.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// Starts `dira serve` on 127.0.0.1:`port` with `extra` in its environment; resolves
/// once it listens.
function serve(port, extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--database', database, 'serve', '--bind', `127.0.0.1:${port}`], {
      env: { ...env, ...extra },
    });
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (/address=127\.0\.0\.1:\d+/.test(log)) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`dira serve exited with ${code}:\n${log}`)));
  });
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startProvider({ rpBase: base });
  assert.notEqual(new URL(provider.issuer).port, String(port), 'the provider took dira\'s port');
  createUser(local.user, 'registrar', 'AMS', local.password);
  server = await serve(port, {
    DIRA_OIDC_ISSUER: provider.issuer,
    DIRA_OIDC_CLIENT_ID: CLIENT_ID,
    DIRA_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    DIRA_OIDC_REDIRECT_URL: `${base}/inloggen/oidc/terug`,
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Nothing from the internet (the provider's login page asks for a web font).
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  await provider?.close();
  rmSync(work, { recursive: true, force: true });
});

const newContext = () => browser.newContext({ baseURL: base, locale: 'nl-NL' });

async function sessionCookie(context) {
  return (await context.cookies(base)).find((c) => c.name === COOKIE);
}

function assertSessionCookie(cookie) {
  assert.ok(cookie, `${COOKIE} set`);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/');
  assert.equal(cookie.domain, '127.0.0.1', 'a host-only cookie');
}

/// Where a fresh browser that has only `cookie` ends up when it opens dira's `/`.
async function landingWith(cookie) {
  const context = await newContext();
  // As read from the first browser (domain and path): with `url` instead, Chromium
  // refuses a __Host- cookie for an http:// address ("Invalid cookie fields").
  await context.addCookies([cookie]);
  const page = await context.newPage();
  await page.goto('/');
  const landed = new URL(page.url()).pathname;
  await context.close();
  return landed;
}

const pathOf = (page) => new URL(page.url()).pathname;

/// On dira's sign-in page: follow the single sign-on link to the provider's login page
/// and sign in there as `user`. Returns the query of the authorization request.
async function signInAtProvider(page, user) {
  const link = page.getByRole('link', { name: 'Inloggen met uw organisatie-account' });
  assert.equal(await link.getAttribute('href'), '/inloggen/oidc');
  const authorization = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/auth?`));
  await link.click();
  const query = new URL((await authorization).url()).searchParams;
  await page.locator('input[name=login]').waitFor();
  assert.equal(new URL(page.url()).origin, provider.issuer, 'the provider\'s login page');
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill('wachtwoord-bij-de-provider');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  return query;
}

/// A browser-less client that follows no redirects and keeps cookies per host and port
/// (another browser, or an attacker's script).
function plainClient() {
  const jars = new Map();
  return async function send(url, init = {}) {
    const target = new URL(url);
    const jar = jars.get(target.host) ?? new Map();
    jars.set(target.host, jar);
    const headers = { ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const gone = attributes.some((a) => /^\s*max-age\s*=\s*(0|-)/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, pair.slice(pair.indexOf('=') + 1).trim());
    }
    return response;
  };
}

const roles = [
  { user: 'balie-ams', home: '/registreren', who: 'balie-ams · registratie · AMS' },
  { user: 'adc-ams', home: '/screening', who: 'adc-ams · discriminatiecoördinator · AMS' },
  { user: 'analist-ams', home: '/rdo', who: 'analist-ams · analist · AMS' },
  { user: 'landelijk', home: '/poldis', who: 'landelijk · landelijk · alle eenheden' },
];

for (const role of roles) {
  test(`${role.user} signs in through the provider to ${role.home} and signs out at dira and the provider`, async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto('/');
    assert.equal(pathOf(page), '/inloggen', 'not signed in: the sign-in page');
    const before = await sessionCookie(context);

    const query = await signInAtProvider(page, role.user);
    // Code flow with PKCE, state and nonce, for dira's redirect URI and scopes.
    assert.equal(query.get('response_type'), 'code');
    assert.equal(query.get('client_id'), CLIENT_ID);
    assert.equal(query.get('redirect_uri'), `${base}/inloggen/oidc/terug`);
    assert.deepEqual(new Set(query.get('scope').split(' ')), new Set(['openid', 'profile', 'groups']));
    assert.equal(query.get('code_challenge_method'), 'S256');
    assert.ok(query.get('code_challenge'), 'PKCE');
    assert.ok(query.get('state'), 'state');
    assert.ok(query.get('nonce'), 'nonce');

    // The session cookie is SameSite=Strict and the way back from the provider is
    // cross-site: a callback that answered 303 to `/` would loop to /inloggen here.
    await page.waitForURL(`${base}${role.home}`);
    assert.equal((await page.locator('.who').innerText()).trim(), role.who);
    const cookie = await sessionCookie(context);
    assertSessionCookie(cookie);
    assert.notEqual(cookie.value, before?.value, 'a new session id at sign-in');
    assert.equal(await landingWith(cookie), role.home, 'the cookie alone is the session');

    // Sign-out: dira ends the session, then the provider asks; confirmed, back at dira.
    // (No request to the provider: Chromium blocks a form post that redirects to another
    // site when the page's Content-Security-Policy has `form-action 'self'`.)
    const endSession = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/session/end?`));
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    const logout = new URL((await endSession).url()).searchParams;
    assert.ok(logout.get('id_token_hint'), 'id_token_hint');
    assert.equal(logout.get('client_id'), CLIENT_ID);
    assert.equal(logout.get('post_logout_redirect_uri'), `${base}/inloggen`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${base}/inloggen`);
    await page.getByLabel('Gebruikersnaam').waitFor();

    assert.equal(await landingWith(cookie), '/inloggen', 'the old session is over');
    await page.goto('/');
    assert.equal(pathOf(page), '/inloggen');
    await context.close();
  });
}

test('a person without a dira group is refused and gets no session', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto('/inloggen');
  const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/inloggen/oidc/terug?`));
  await signInAtProvider(page, 'zonder-rol');
  assert.equal((await callback).status(), 403);
  await page.getByRole('heading', { level: 1, name: 'Geen toegang' }).waitFor();
  assert.equal(await sessionCookie(context), undefined, `no ${COOKIE}`);
  assert.equal(await page.locator('.who').count(), 0);
  await page.goto('/');
  assert.equal(pathOf(page), '/inloggen');
  await context.close();
});

test('an answer from the provider meant for another browser does not sign in', async () => {
  // Someone starts a sign-in of their own and signs in at the provider, but does not
  // go back to dira: they hand the callback URL to a victim's browser instead.
  const send = plainClient();
  let response = await send(`${base}/inloggen/oidc`);
  assert.equal(response.status, 303);
  let url = new URL(response.headers.get('location'), base).toString();
  assert.ok(url.startsWith(`${provider.issuer}/auth?`), url);
  response = await send(url);
  while (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get('location'), url).toString();
    response = await send(url);
  }
  const form = /<form[^>]*action="([^"]+)"/.exec(await response.text());
  assert.ok(form, 'the provider\'s login form');
  url = new URL(form[1].replace(/&amp;/g, '&'), url).toString();
  response = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ prompt: 'login', login: 'balie-ams', password: 'x' }),
  });
  while (!url.startsWith(`${base}/`)) {
    assert.ok(response.status >= 300 && response.status < 400, `a redirect at ${url}`);
    url = new URL(response.headers.get('location'), url).toString();
    if (!url.startsWith(`${base}/`)) response = await send(url);
  }
  const callback = new URL(url);
  assert.equal(callback.pathname, '/inloggen/oidc/terug');
  assert.ok(callback.searchParams.get('code') && callback.searchParams.get('state'));

  const context = await newContext();
  const page = await context.newPage();
  await page.goto(url);
  assert.equal(await sessionCookie(context), undefined, 'the victim\'s browser got no session');
  await page.goto('/');
  assert.equal(pathOf(page), '/inloggen');
  await context.close();

  // The same answer does sign in the browser that asked for it: the code was good.
  response = await send(url);
  assert.ok(response.status < 400, `callback answered ${response.status}`);
  assert.ok(response.headers.getSetCookie().some((c) => c.startsWith(`${COOKIE}=`)), 'its own session');
});

test('a local account signs in with its password, not with a wrong one, and not once disabled', async () => {
  assert.throws(() => createUser('te-kort', 'registrar', 'AMS', 'elf-tekens!'), 'a password under 12 characters is refused');

  const context = await newContext();
  const page = await context.newPage();
  await page.goto('/');
  assert.equal(pathOf(page), '/inloggen');
  // The single sign-on link comes first, before the local form.
  assert.ok(await page.evaluate(() => {
    const link = document.querySelector('a[href="/inloggen/oidc"]');
    const field = document.querySelector('input[name=user]');
    return Boolean(link && field && (link.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING));
  }), 'the link "Inloggen met uw organisatie-account" precedes the form');

  const submit = async (user, password) => {
    await page.getByLabel('Gebruikersnaam').fill(user);
    await page.getByLabel('Wachtwoord').fill(password);
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/inloggen');
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    return (await answer).status();
  };

  assert.equal(await submit(local.user, 'fout-wachtwoord-123'), 401);
  await page.getByRole('alert').filter({ hasText: 'onjuist' }).waitFor();
  const before = await sessionCookie(context);
  if (before) assert.equal(await landingWith(before), '/inloggen', 'a wrong password gives no session');

  await submit(local.user, local.password);
  await page.waitForURL(`${base}/registreren`);
  assert.equal((await page.locator('.who').innerText()).trim(), `${local.user} · registratie · AMS`);
  const cookie = await sessionCookie(context);
  assertSessionCookie(cookie);
  assert.notEqual(cookie.value, before?.value);

  // Another sign-in of the same account is another session.
  const second = await newContext();
  const other = await second.newPage();
  await other.goto('/inloggen');
  await other.getByLabel('Gebruikersnaam').fill(local.user);
  await other.getByLabel('Wachtwoord').fill(local.password);
  await other.getByRole('button', { name: 'Inloggen', exact: true }).click();
  await other.waitForURL(`${base}/registreren`);
  assert.notEqual((await sessionCookie(second)).value, cookie.value, 'a new session id each time');
  await second.close();

  // Signing out of a local session ends at dira's sign-in page, and ends the session.
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.waitForURL(`${base}/inloggen`);
  assert.equal(await landingWith(cookie), '/inloggen', 'the old session is over');

  dira(['user', 'disable', '--user', local.user]);
  await page.goto('/inloggen');
  const refused = await submit(local.user, local.password);
  assert.ok(refused >= 400, `a disabled account is refused (${refused})`);
  await page.getByRole('alert').waitFor();
  await page.goto('/');
  assert.equal(pathOf(page), '/inloggen', 'a disabled account gets no session');
  await context.close();
});

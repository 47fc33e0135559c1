// End-to-end tests of the web interface in Debian's headless Chromium, driven by
// playwright-core: for each role, sign in and complete its main task, asserting what
// the page shows; a cross-unit attempt and a forged form are refused.
//
//   (cd tests/e2e && npm ci) && DIRA_BIN=target/debug/dira node --test tests/e2e/
//
// DIRA_BIN: the dira binary (default target/debug/dira). CHROMIUM: the browser
// (default /usr/bin/chromium). SCREENSHOTS=dir: where the main pages are
// photographed (default: a temporary folder; docs/screenshots in the repository).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.resolve(root, process.env.DIRA_BIN ?? 'target/debug/dira');
const work = mkdtempSync(path.join(tmpdir(), 'dira-e2e-'));
const database = `sqlite://${work}/e2e.db`;
const shots = process.env.SCREENSHOTS ? path.resolve(root, process.env.SCREENSHOTS) : path.join(work, 'shots');
mkdirSync(shots, { recursive: true });
// Local accounts only: no single sign-on here (sign-in.test.mjs tests that).
const env = Object.fromEntries(Object.entries({ ...process.env, DIRA_LOG: 'info', NO_COLOR: '1' })
  .filter(([name]) => !name.startsWith('DIRA_OIDC_')));
const COOKIE = '__Host-dira_sessie';

let server;
let base;
let browser;
const passwords = {};

function dira(...args) {
  return execFileSync(bin, ['--database', database, ...args], { env, encoding: 'utf8' }).trim();
}

/// `dira user create`: the password on standard input (at least 12 characters).
function createUser(user, role, scope, password) {
  execFileSync(bin, ['--database', database, 'user', 'create', '--user', user, '--role', role, '--scope', scope], {
    env, encoding: 'utf8', input: `${password}\n`,
  });
}

/// Starts `dira serve` on a free port; resolves with its address once it listens.
function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--database', database, 'serve', '--bind', '127.0.0.1:0'], { env });
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const found = /address=(127\.0\.0\.1:\d+)/.exec(log);
      if (found) resolve({ child, address: `http://${found[1]}` });
    });
    child.on('exit', (code) => reject(new Error(`dira serve exited with ${code}:\n${log}`)));
  });
}

before(async () => {
  for (const [user, role, scope] of [
    ['balie-ams', 'registrar', 'AMS'],
    ['balie-rtm', 'registrar', 'RTM'],
    ['adc-ams', 'screener', 'AMS'],
    ['analist-ams', 'analyst', 'AMS'],
    ['landelijk', 'national', '*'],
    ['beheer', 'admin', '*'],
  ]) {
    passwords[user] = `${user}-wachtwoord-e2e`;
    createUser(user, role, scope, passwords[user]);
  }
  const started = await serve();
  server = started.child;
  base = started.address;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

/// A fresh browser session signed in as `user`.
async function signIn(user) {
  const context = await browser.newContext({ baseURL: base, acceptDownloads: true, locale: 'nl-NL' });
  const page = await context.newPage();
  await page.goto('/');
  assert.match(page.url(), /\/inloggen$/, 'not signed in: the sign-in page');
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(passwords[user]);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
  assert.ok(cookie, 'session cookie set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, 'Strict');
  return { context, page };
}

/// The WCAG 2.1 A and AA rules axe-core checks (EN 301 549 asks for level AA).
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/// Fails with every violation axe-core finds on the page as it is now.
async function accessible(page, name) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(found, [], `${name}: axe-core finds WCAG 2.1 AA violations`);
}

/// Checks the page with axe-core and photographs it.
async function shoot(page, name) {
  await accessible(page, name);
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

// Today as dira decides dates: in Europe/Amsterdam (the UTC date differs from 23:00 or 22:00 UTC).
const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(new Date());
const year = today.slice(0, 4);
const state = {};

test('a wrong password is refused', async () => {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/inloggen');
  await page.getByLabel('Gebruikersnaam').fill('balie-ams');
  await page.getByLabel('Wachtwoord').fill('niet-het-wachtwoord');
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/inloggen');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  assert.equal((await answer).status(), 401);
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'onjuist' }).waitFor());
  await shoot(page, 'inloggen');
  await context.close();
});

test('desk officer registers an incomplete and a complete report', async () => {
  const { context, page } = await signIn('balie-ams');
  assert.match(page.url(), /\/registreren$/, 'the desk officer starts on the registration form');
  // Only the two required fields: stored as incomplete, with what is missing.
  await page.getByLabel('Soort registratie').selectOption('MELDING');
  await page.getByLabel('Kanaal').selectOption('TELEFOON');
  await page.getByRole('button', { name: 'Registreren' }).click();
  const incomplete = page.getByRole('status');
  await incomplete.waitFor();
  assert.match(await incomplete.innerText(), /Geregistreerd onder nummer AMS-\d{4}-\d+/);
  assert.match(await incomplete.innerText(), /Onvolledig – nog aan te vullen: .*Discriminatiegronden/);

  // A complete report: labels in Dutch, only codes valid today (GELOOF is retired).
  assert.equal(await page.getByLabel('Geloof (godsdienst', { exact: false }).count(), 0);
  await page.getByLabel('Soort registratie').selectOption('AANGIFTE');
  await page.getByLabel('Kanaal').selectOption('BALIE');
  await page.getByLabel('Pleegdatum vanaf').fill(today);
  await page.getByLabel('Gemeente').selectOption('GM0363');
  await page.getByLabel('Antisemitisme').check();
  await page.getByLabel('Maatschappelijk terrein').selectOption({ index: 1 });
  await page.getByRole('group', { name: 'Verschijningsvormen' }).getByRole('checkbox').first().check();
  await page.getByRole('group', { name: 'Wetsartikelen' }).getByRole('checkbox').first().check();
  await page.getByLabel('Soort slachtoffer').selectOption({ index: 1 });
  await page.getByLabel('Korte omschrijving').fill('Scheldpartij bij tramhalte, e2e');
  await page.getByLabel('Relaas').fill('Volledig relaas, blijft binnen de eenheid.');
  await page.getByRole('button', { name: 'Registreren' }).click();
  const done = page.getByRole('status');
  await done.waitFor();
  state.number = await page.locator('#registratienummer').innerText();
  assert.match(state.number, /^AMS-\d{4}-\d+$/);
  assert.doesNotMatch(await done.innerText(), /Onvolledig/);
  const recent = page.getByRole('table');
  assert.match(await recent.innerText(), new RegExp(state.number));
  state.href = await page.getByRole('link', { name: 'Bekijk de registratie' }).getAttribute('href');
  await shoot(page, 'registreren');

  // Invalid input is refused with the field named, and nothing is stored.
  await page.getByLabel('Soort registratie').selectOption('AANGIFTE');
  await page.getByLabel('Kanaal').selectOption('BALIE');
  await page.getByLabel('Pleegdatum vanaf').fill('2024-05-02');
  await page.getByLabel('Pleegdatum tot en met').fill('2024-05-01');
  await page.getByRole('button', { name: 'Registreren' }).click();
  const problems = page.getByRole('alert');
  await problems.waitFor();
  assert.match(await problems.innerText(), /Pleegdatum tot en met/);
  assert.equal((await page.getByRole('table').innerText()).match(/AMS-\d{4}-\d+/g).length, 2);
  // The summary links to the field it names.
  await shoot(page, 'registreren-fouten');
  await problems.getByRole('link', { name: 'Pleegdatum tot en met' }).press('Enter');
  assert.equal(await page.evaluate(() => location.hash), '#occurred_to');
  await context.close();
});

/// Presses Tab until the focused element matches `selector` (at most `limit` times):
/// the element is reachable in the tab order, and the focus moves on (no trap).
async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.equal(outline, "solid", `${selector}: the focus is visible`);
      const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineColor);
      assert.equal(ring, "rgb(17, 17, 17)", `${selector}: a dark focus ring (3:1 on white)`);
      return;
    }
  }
  assert.fail(`${selector} is not reached with Tab`);
}

test('a desk officer registers with the keyboard alone', async () => {
  const context = await browser.newContext({ baseURL: base, locale: 'nl-NL' });
  const page = await context.newPage();
  await page.goto('/inloggen');
  await tabTo(page, '#user');
  await page.keyboard.type('balie-ams');
  await tabTo(page, '#password');
  await page.keyboard.type(passwords['balie-ams']);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/registreren$/);
  await tabTo(page, '#registration_type');
  await page.keyboard.type('Melding');
  await tabTo(page, '#channel');
  await page.keyboard.type('Internet');
  await tabTo(page, 'input[name=grounds][value=HERKOMST]');
  await page.keyboard.press('Space');
  await tabTo(page, '#summary');
  await page.keyboard.type('Met het toetsenbord geregistreerd');
  await tabTo(page, 'button[type=submit]:not(.signout button)');
  await page.keyboard.press('Enter');
  const done = page.getByRole('status');
  await done.waitFor();
  const number = /AMS-\d{4}-\d+/.exec(await done.innerText())[0];
  assert.match(await page.getByRole('table').innerText(), new RegExp(`${number}[\\s\\S]*Onvolledig`));
  await context.close();
});

test('a desk officer of another unit registers; the screener of AMS cannot open it', async () => {
  const rtm = await signIn('balie-rtm');
  await rtm.page.getByLabel('Soort registratie').selectOption('MELDING');
  await rtm.page.getByLabel('Kanaal').selectOption('INTERNET');
  await rtm.page.getByRole('button', { name: 'Registreren' }).click();
  await rtm.page.getByRole('status').waitFor();
  const href = await rtm.page.getByRole('link', { name: 'Bekijk de registratie' }).getAttribute('href');
  await rtm.context.close();

  const { context, page } = await signIn('adc-ams');
  const response = await page.goto(href);
  assert.equal(response.status(), 404);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Niet gevonden/);
  // A form posted without this session's CSRF token is refused and changes nothing.
  const forged = await context.request.post(`${state.href}/beoordeling`, {
    form: { csrf: 'forged', version: '1', outcome: 'AFGEWEZEN', reason: 'DUBBELE_REGISTRATIE' },
  });
  assert.equal(forged.status(), 403);
  await context.close();
});

test('screener confirms with reclassification and records the prosecution status', async () => {
  const { context, page } = await signIn('adc-ams');
  assert.match(page.url(), /\/screening$/);
  const row = page.getByRole('row', { name: new RegExp(state.number) });
  assert.match(await row.innerText(), /Antisemitisme/);
  assert.match(await page.getByRole('heading', { name: /Doorlooptijden/ }).innerText(), /Doorlooptijden/);
  await shoot(page, 'screening');
  await row.getByRole('link', { name: state.number }).click();
  assert.match(await page.locator('#status').innerText(), /Geregistreerd/);
  await page.getByLabel('Discriminatoir incident bevestigd').check();
  await page.getByText('Classificatie aanpassen').click();
  await page.getByRole('group', { name: 'Discriminatiegronden' }).getByLabel('Herkomst', { exact: false }).check();
  await page.getByRole('button', { name: 'Beoordeling opslaan' }).click();
  await page.getByRole('status').filter({ hasText: 'beoordeling is opgeslagen' }).waitFor();
  assert.match(await page.locator('#status').innerText(), /Bevestigd/);
  assert.match(await page.locator('#gronden').innerText(), /Herkomst/);
  assert.match(await page.locator('#gronden').innerText(), /Antisemitisme/);
  const history = await page.getByRole('table').innerText();
  assert.match(history, /adc-ams/);
  assert.match(history, /Discriminatiegronden: Antisemitisme → Antisemitisme, Herkomst/);
  await shoot(page, 'beoordelen');

  await page.getByLabel('Stand bij het OM').selectOption('INGEZONDEN');
  await page.getByLabel('Doorgezonden naar het OM op').fill(today);
  await page.getByRole('button', { name: 'Stand opslaan' }).click();
  await page.getByRole('status').filter({ hasText: 'OM is opgeslagen' }).waitFor();
  assert.match(await page.locator('#vervolging').innerText(), /Ingezonden/);
  await context.close();
});

test('screener takes one candidate over as an incident and dismisses another', async () => {
  // General incidents of 2024: the candidates do not change this year's figures below.
  const general = path.join(work, 'algemeen.csv');
  writeFileSync(general, 'source_reference,registered_at,unit,municipality,incident_code,narrative\n'
    + 'G-E2E-1,2024-03-01T10:00:00+01:00,AMS,GM0363,B100,Uitgemaakt voor homo bij de bushalte.\n'
    + 'G-E2E-2,2024-03-02T10:00:00+01:00,AMS,,B100,Een hakenkruis op een schutting gekalkt.\n');
  dira('candidates', 'scan', general);
  const { context, page } = await signIn('adc-ams');
  await page.getByRole('link', { name: 'Kandidaat G-E2E-1' }).click();
  assert.match(await page.locator('#status').innerText(), /Open/);
  assert.match(await page.content(), /Uitgemaakt voor homo bij de bushalte/);
  await page.getByLabel('Soort registratie').selectOption('MUTATIE');
  await page.getByLabel('Kanaal').selectOption('TER_PLAATSE');
  await page.getByRole('group', { name: 'Discriminatiegronden' }).getByRole('checkbox').first().check();
  await page.getByRole('group', { name: 'Verschijningsvormen' }).getByRole('checkbox').first().check();
  await page.getByLabel('Maatschappelijk terrein').selectOption({ index: 1 });
  await page.getByLabel('Soort slachtoffer').selectOption({ index: 1 });
  await shoot(page, 'kandidaat');
  await page.getByRole('button', { name: 'Overnemen' }).click();
  await page.getByRole('status').filter({ hasText: 'overgenomen' }).waitFor();
  assert.match(page.url(), /\/incidenten\//);
  assert.match(await page.locator('#status').innerText(), /Geregistreerd/);

  await page.goto('/screening');
  await page.getByRole('link', { name: 'Kandidaat G-E2E-2' }).click();
  await page.getByLabel('Waarom is dit geen discriminatie-incident?').fill('Graffiti zonder discriminatoire lading');
  await page.getByRole('button', { name: 'Afwijzen' }).click();
  await page.getByRole('status').filter({ hasText: 'afgewezen' }).waitFor();
  assert.equal(await page.getByRole('link', { name: /Kandidaat G-E2E/ }).count(), 0, 'both decided');
  await context.close();
});

test('analyst shows the RDO overview and downloads it; another unit is refused', async () => {
  const { context, page } = await signIn('analist-ams');
  assert.match(page.url(), /\/rdo$/);
  await page.getByLabel('Vanaf').fill(`${year}-01-01`);
  await page.getByLabel('Tot en met').fill(today);
  await page.getByRole('button', { name: 'Toon overzicht' }).click();
  const cases = page.locator('#zaken');
  assert.match(await cases.innerText(), new RegExp(state.number));
  assert.match(await cases.innerText(), /Scheldpartij bij tramhalte/);
  assert.doesNotMatch(await page.content(), /Volledig relaas/, 'the narrative never appears in the overview');
  await shoot(page, 'rdo-overzicht');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV', exact: true }).click(),
  ]);
  const file = path.join(work, csv.suggestedFilename());
  await csv.saveAs(file);
  const text = execFileSync('cat', [file], { encoding: 'utf8' });
  assert.match(text, new RegExp(state.number));
  const [excel] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV voor Excel' }).click(),
  ]);
  assert.match(excel.suggestedFilename(), /excel\.csv$/);
  const [workbook] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download werkmap (Excel)' }).click(),
  ]);
  assert.match(workbook.suggestedFilename(), /\.xlsx$/);

  const refused = await page.goto(`/rdo?unit=RTM&from=${year}-01-01&to=${today}`);
  assert.equal(refused.status(), 403);
  await context.close();
});

test('national staff open the Poldis report with charts, publication switch and downloads', async () => {
  const { context, page } = await signIn('landelijk');
  assert.match(page.url(), /\/poldis$/);
  await page.getByLabel('Jaar', { exact: true }).selectOption(year);
  await page.getByRole('button', { name: 'Toon rapport' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), new RegExp(`discriminatie ${year}`));
  assert.ok((await page.locator('.poldis svg').count()) >= 3, 'bars per ground, trend and per unit');
  assert.match(await page.locator('.kpi').innerText(), /1\s*incidenten/);
  await shoot(page, 'poldis');
  await page.getByLabel('Publicatieversie', { exact: false }).check();
  await page.getByRole('button', { name: 'Toon rapport' }).click();
  assert.match(await page.locator('.poldis').innerText(), /publicatieversie/);
  assert.match(await page.locator('.poldis').innerText(), /<5/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `poldis-${year}-publicatie.csv`);
  // A desk officer may not see the report.
  const officer = await signIn('balie-ams');
  const refused = await officer.page.goto('/poldis');
  assert.equal(refused.status(), 403);
  await officer.context.close();
  await context.close();
});

test('analyst opens the regional monitor: police and ADV side by side, with the workbook', async () => {
  const adv = path.join(work, 'adv.csv');
  writeFileSync(adv, 'year,municipality,category,code,reports\n'
    + `${year},GM0363,total,,12\n${year},GM0363,ground,HERKOMST,7\n${year},GM0363,ground,ARBEIDSDUUR,3\n`
    + `${year},GM0363,domain,HUISVESTING,4\n${year},GM0363,manner,ONGELIJKE_BEHANDELING,6\n`
    + `${year},GM0362,total,,2\n${year},GM0362,ground,LEEFTIJD,2\n`);
  dira('adv', 'import', adv);
  const { context, page } = await signIn('analist-ams');
  await page.getByRole('link', { name: 'Monitor' }).click();
  await page.getByLabel('Jaar', { exact: true }).selectOption(year);
  await page.getByRole('button', { name: 'Toon monitor' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), new RegExp(`Discriminatiecijfers in ${year}`));
  assert.ok((await page.locator('.monitor svg').count()) >= 2, 'grounds and trend, police beside ADV');
  assert.match(await page.locator('.kpi').innerText(), /14\s*meldingen/);
  assert.match(await page.locator('#by_ground').innerText(), /Arbeidsduur/);
  await shoot(page, 'monitor');
  const [workbook] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download Excel' }).click(),
  ]);
  assert.equal(workbook.suggestedFilename(), `monitor-AMS-${year}.xlsx`);
  await context.close();
});

/// Presses Tab until the focused element's text is `text` (a link, a button).
async function tabToText(page, text, limit = 120) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((t) => document.activeElement?.textContent?.trim() === t, text)) return;
  }
  assert.fail(`"${text}" is not reached with Tab`);
}

test('the discrimination contact screens with the keyboard alone', async () => {
  const file = path.join(work, 'toetsenbord.csv');
  writeFileSync(file, 'registration_number,registered_at,unit,municipality,registration_type,channel,grounds,manifestations,domain,articles,victim_kind,suspect_known\n'
    + `KB-1,${today}T09:00:00+01:00,AMS,GM0363,MELDING,BALIE,HERKOMST,BELEDIGING,OPENBARE_RUIMTE,SR137C,PERSOON,false\n`);
  dira('import', file);
  const { context, page } = await signIn('adc-ams');
  await page.goto('/screening');
  await tabToText(page, 'KB-1');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/incidenten\//);
  // A radio group is one stop in the tab order; the arrow keys choose within it.
  await tabTo(page, 'input[name=outcome]');
  for (let i = 0; i < 3 && !(await page.evaluate(() => document.activeElement.value === 'BEVESTIGD')); i += 1) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => document.querySelector('input[name=outcome]:checked')?.value), 'BEVESTIGD');
  await tabTo(page, 'textarea#note');
  await page.keyboard.type('Met het toetsenbord beoordeeld');
  await tabToText(page, 'Beoordeling opslaan');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'beoordeling is opgeslagen' }).waitFor();
  assert.match(await page.locator('#status').innerText(), /Bevestigd/);
  await context.close();
});

test('the discrimination contact opens the dashboard: the figures of the API, charts with tables', async () => {
  const token = dira('token', 'create', '--user', 'adc-ams-api', '--role', 'screener', '--scope', 'AMS');
  const { context, page } = await signIn('adc-ams');
  await page.getByRole('link', { name: 'Dashboard' }).click();
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), new RegExp(`Dashboard .* ${year}`));
  const response = await context.request.get('/api/v1/dashboard', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status(), 200);
  const figures = await response.json();
  const kpi = await page.locator('.kpi').innerText();
  assert.match(kpi, new RegExp(`${figures.registrations.this_year_to_date}\\s*registraties`));
  assert.match(kpi, new RegExp(`${figures.screening.backlog}\\s*nog te beoordelen`));
  assert.match(kpi, new RegExp(`${figures.screening.overdue}\\s*te laat`));
  const month = figures.registrations.months[figures.registrations.months_to_date - 1];
  const row = page.getByRole('table', { name: /Registraties per maand/ }).getByRole('row').nth(figures.registrations.months_to_date);
  assert.match(await row.innerText(), new RegExp(`${month.this_year}\\s+${month.last_year}`));
  assert.equal(await page.locator('figure > svg[role=img] > title').count(), 2, 'both charts have a text alternative');
  await shoot(page, 'dashboard');
  await context.close();
});

test('the administrator\'s start page passes axe-core too', async () => {
  const { context, page } = await signIn('beheer');
  await accessible(page, 'beheer');
  await context.close();
});

test('every page request is in the audit log', () => {
  const log = dira('audit', '--limit', '10000');
  for (const expected of ['incident.register', 'incident.screen', 'candidate.promote', 'candidate.dismiss', 'rdo.overview', 'report.poldis', 'report.monitor', 'adv.import', 'dashboard.read', 'session.start']) {
    assert.match(log, new RegExp(expected), `audit log holds ${expected}`);
  }
});

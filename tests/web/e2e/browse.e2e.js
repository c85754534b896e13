// Browser end-to-end test of the web UI (run by run-e2e; docs/web.md "Browser test").
//   node browse.e2e.js BASE_URL FIXTURES_DIR SCREENSHOT_DIR
// Drives Debian's chromium headless through playwright-core: browse, filter by OS,
// sort, page, open an entry and read its signature verdict, run a SPARQL seed
// query, upload a good and a tampered signed file; a document titled
// <script>alert(1)</script> must show as text (any dialog fails the test).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const [base, fixtures, shots] = process.argv.slice(2);
if (!base || !fixtures || !shots) {
  console.error('usage: node browse.e2e.js BASE_URL FIXTURES_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const results = [];
async function step(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log('ok   ' + name);
  } catch (e) {
    results.push([name, e]);
    console.log('FAIL ' + name + '\n     ' + String(e.stack || e).split('\n').slice(0, 6).join('\n     '));
  }
}

async function seed() {
  const dir = path.join(fixtures, 'seed');
  for (const name of fs.readdirSync(dir).sort()) {
    const r = await fetch(base + 'metadata', {
      method: 'POST',
      headers: { 'Content-Type': 'application/rdf+xml' },
      body: fs.readFileSync(path.join(dir, name)),
    });
    if (r.status !== 201) throw new Error(`seed ${name}: ${r.status} ${await r.text()}`);
  }
}

const column = (page, n) =>
  page.$$eval('#entries tbody tr', (rows, i) => rows.map((r) => r.cells[i].textContent.trim()), n);
const shot = (page, name) => page.screenshot({ path: path.join(shots, name), fullPage: true });

(async () => {
  await seed();
  const browser = await chromium.launch({
    executablePath: process.env.MKT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  await step('browse opens at / with the latest valid entries', async () => {
    await page.goto(base);
    assert.equal(await page.textContent('h1'), 'Images');
    assert.equal((await column(page, 0)).length, 40);  // 41 seeded, 1 deprecated
    await shot(page, 'browse.png');
  });

  await step('filter by OS keeps the state in the URL', async () => {
    await page.fill('#f-os', 'Ubuntu');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('os'), 'Ubuntu');
    assert.equal(url.searchParams.has('q'), false, 'empty fields are left out of the URL');
    const oses = await column(page, 1);
    assert.ok(oses.length >= 2);
    assert.ok(oses.every((os) => os.toLowerCase() === 'ubuntu'), oses.join(','));  // case-insensitive, as the API
    await shot(page, 'browse-filtered.png');
  });

  await step('sort by title, both directions', async () => {
    await Promise.all([page.waitForNavigation(), page.click('th a[data-sort=title]')]);
    const asc = await column(page, 0);
    assert.deepEqual(asc, [...asc].sort());
    assert.equal(new URL(page.url()).searchParams.get('os'), 'Ubuntu', 'the filter stays');
    await Promise.all([page.waitForNavigation(), page.click('th a[data-sort=title]')]);
    assert.deepEqual(await column(page, 0), [...asc].reverse());
  });

  await step('page through 25 rows at a time', async () => {
    await page.goto(base + 'metadata');
    await page.selectOption('#f-limit', '25');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
    const first = await column(page, 8);
    assert.equal(first.length, 25);
    assert.match(await page.textContent('nav.pager'), /Rows 1–25 of 40/);
    await Promise.all([page.waitForNavigation(), page.click('nav.pager a[rel=next] >> nth=0')]);
    const second = await column(page, 8);
    assert.equal(second.length, 15);
    assert.match(await page.textContent('nav.pager'), /Rows 26–40 of 40/);
    assert.ok(second.every((id) => !first.includes(id)), 'pages do not overlap');
    await Promise.all([page.waitForNavigation(), page.click('nav.pager a[rel=prev] >> nth=0')]);
    assert.deepEqual(await column(page, 8), first);
  });

  await step('open an entry and see the signature verdict', async () => {
    await page.goto(base + 'metadata?os=Debian&sort=title&order=asc');
    await Promise.all([page.waitForNavigation(), page.click('#entries tbody tr >> nth=0 >> a.entry')]);
    assert.match(await page.textContent('#signature .verdict'), /Signature verified/);
    const fields = await page.$$eval('#signature dt', (dts) =>
      Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
    assert.equal(fields['Trust mode'], 'strict');
    assert.match(fields['Signer subject'], /CN=/);
    assert.match(fields['Issuer'], /CN=/);
    assert.match(fields['Certificate validity'], /^\d{4}-.* to \d{4}-/);
    assert.ok(await page.isVisible('table.history tr.current'));
    for (const id of ['raw-xml', 'json', 'cimi', 'occi']) assert.ok(await page.isVisible('#' + id));
    await shot(page, 'entry.png');
  });

  await step('a document titled <script>alert(1)</script> shows as text', async () => {
    await page.goto(base + 'metadata?q=alert');
    const titles = await column(page, 0);
    assert.deepEqual(titles, ['<script>alert(1)</script>']);
    await Promise.all([page.waitForNavigation(), page.click('a.entry')]);
    assert.match(await page.textContent('h1'), /<script>alert\(1\)<\/script>/);
    assert.equal(await page.$$eval('main script, main img', (els) => els.length), 0);
    await page.goto(base + 'metadata?q=' + encodeURIComponent('<script>alert(1)</script>'));
    assert.equal(await page.inputValue('#f-q'), '<script>alert(1)</script>');
    assert.deepEqual(dialogs, [], 'no script from a document ran');
  });

  await step('SPARQL seed query shows a results table, a bad query its error', async () => {
    await page.goto(base + 'sparql');
    await page.click('a.example >> nth=0');
    assert.match(await page.inputValue('#query'), /SELECT/);
    // The graph is built in the background; /query answers 503 until it is ready.
    for (let i = 0; i < 50; i++) {
      await page.click('#sparql-form button[type=submit]');
      await page.waitForSelector('#sparql-table, #sparql-error:not([hidden])');
      if (await page.isVisible('#sparql-table')) break;
      await page.waitForTimeout(200);
    }
    const rows = await page.$$eval('#sparql-table tbody tr', (trs) => trs.length);
    assert.ok(rows > 0, 'the seed query returns rows');
    const heads = await page.$$eval('#sparql-table th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(heads, ['identifier', 'os', 'version', 'title']);
    await shot(page, 'sparql.png');
    await page.fill('#query', 'SELECT ?x WHERE { ?x ?y }');
    await page.click('#sparql-form button[type=submit]');
    await page.waitForSelector('#sparql-error:not([hidden])');
    assert.match(await page.textContent('#sparql-error'), /^400: /);
  });

  await step('upload a good signed file: the new entry is shown', async () => {
    await page.goto(base + 'upload');
    await page.setInputFiles('#file', path.join(fixtures, 'good.xml'));
    const [response] = await Promise.all([
      page.waitForNavigation(), page.click('form button[type=submit]')]);
    assert.equal(response.status(), 201);
    assert.equal(await page.textContent('#upload-result h2'), 'Entry created');
    await shot(page, 'upload-created.png');
    await Promise.all([page.waitForNavigation(), page.click('#upload-result a')]);
    assert.equal(await page.textContent('h1'), 'Uploaded from the browser valid');
  });

  await step('upload a tampered file: the exact rejection is shown', async () => {
    await page.goto(base + 'upload');
    await page.setInputFiles('#file', path.join(fixtures, 'tampered.xml'));
    const [response] = await Promise.all([
      page.waitForNavigation(), page.click('form button[type=submit]')]);
    assert.equal(response.status(), 400);
    assert.match(await page.textContent('#upload-result h2'), /Rejected \(400 invalid_argument\)/);
    const native = await fetch(base + 'metadata', {
      method: 'POST', headers: { 'Content-Type': 'application/rdf+xml', Accept: 'application/json' },
      body: fs.readFileSync(path.join(fixtures, 'tampered.xml')),
    });
    const expected = (await native.json()).error.message;
    assert.equal(await page.textContent('#upload-result .message'), expected);
    await shot(page, 'upload-rejected.png');
  });

  await step('no script error on any page', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(dialogs, []);
  });

  await browser.close();
  const failed = results.filter(([, e]) => e).length;
  console.log(`screenshots in ${shots}`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

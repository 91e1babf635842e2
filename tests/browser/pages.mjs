// pages.mjs: what a person sees on labeld's public pages, in headless
// Chromium (Debian's, driven by playwright-core): the verification page of
// a label and the registry, on a phone and a desktop viewport, with
// screenshots kept as test artifacts.
//
// node pages.mjs BASE LABEL PRODUCT-NAME PHASE OUTDIR [REASON]
//   PHASE active: the page of an active label, then the registry: search,
//   follow the result.  PHASE suspended: the page says SUSPENDED and why.
// Prints "ok"/"FAIL: ..." lines; exits 1 when a check failed.
import { chromium } from 'playwright-core';

const [base, label, product, phase, outdir, reason] = process.argv.slice(2);
const viewports = [
	{ name: 'phone', width: 390, height: 844 },
	{ name: 'desktop', width: 1280, height: 800 },
];
let failures = 0;
function check(cond, what) {
	if (cond) {
		console.log(`ok: ${what}`);
	} else {
		failures++;
		console.log(`FAIL: ${what}`);
	}
}
function eq(got, want, what) {
	check(got === want, `${what} (got ${JSON.stringify(got)}, want ${JSON.stringify(want)})`);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox'],
});

// Everything a page must not do: open a dialog (an injected alert), throw,
// break its CSP (a console error), ask for something it does not serve.
function watch(page) {
	const seen = { dialogs: 0, errors: [], failed: [] };
	page.on('dialog', (d) => { seen.dialogs++; d.dismiss().catch(() => {}); });
	page.on('pageerror', (e) => seen.errors.push(String(e)));
	// A failed load is judged by its response below (the browser's own
	// /favicon.ico request may fail); any other console error counts.
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
			seen.errors.push(m.text());
	});
	page.on('response', (r) => {
		if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
			seen.failed.push(`${r.status()} ${r.url()}`);
	});
	return seen;
}

async function verifyPage(page, vp) {
	const resp = await page.goto(`${base}/v/${label}`);
	eq(resp.status(), 200, `${vp}: the verification page answers`);
	eq(await page.locator('#product').innerText(), product, `${vp}: the product name shown as text`);
	eq(await page.evaluate(() => document.scripts.length), 0, `${vp}: no script element on the page`);
	const status = await page.locator('#status').innerText();
	const tier = await page.locator('#tier').innerText();
	check(/Tier 4 of 4/.test(tier) && /Level 4/.test(tier), `${vp}: tier 4 and its name shown (${tier})`);
	check(/^from \d{4}-\d\d-\d\d until \d{4}-\d\d-\d\d$/.test(await page.locator('#validity').innerText()),
	    `${vp}: validity shown`);
	check(/Yes/.test(await page.locator('[data-check="signature"]').innerText()), `${vp}: the signature verifies`);
	check(/Yes/.test(await page.locator('[data-check="log"]').innerText()), `${vp}: the log proof checks`);
	eq(await page.locator('#versions').innerText(), '1.0', `${vp}: firmware versions covered`);
	check(await page.locator('img.badge').evaluate((i) => i.complete && i.naturalWidth > 0),
	    `${vp}: the label image loads`);
	eq(await page.locator('header.site').evaluate((e) => getComputedStyle(e).backgroundColor),
	    'rgb(18, 53, 91)', `${vp}: the stylesheet applies`);
	check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
	    `${vp}: nothing wider than the screen`);
	if (phase === 'active') {
		eq(status, 'VALID', `${vp}: status VALID`);
		check(/Yes/.test(await page.locator('[data-check="status"]').innerText()), `${vp}: status check passes`);
	} else {
		eq(status, 'SUSPENDED', `${vp}: status SUSPENDED`);
		const detail = await page.locator('#status-detail').innerText();
		check(detail.includes(`Reason: ${reason}`), `${vp}: the reason shown (${detail})`);
		check(/No/.test(await page.locator('[data-check="status"]').innerText()), `${vp}: status check fails`);
	}
	await page.screenshot({ path: `${outdir}/verify-${phase}-${vp}.png`, fullPage: true });
}

async function registry(page, vp) {
	const resp = await page.goto(`${base}/registry`);
	eq(resp.status(), 200, `${vp}: the registry page answers`);
	await page.locator('#q').fill('smartcam');
	await page.locator('#tier-filter').selectOption('4');
	await Promise.all([page.waitForURL(/\/registry\?/), page.locator('form.search button').click()]);
	check(/q=smartcam/.test(page.url()) && /tier=4/.test(page.url()), `${vp}: the search is a GET with the filters`);
	const links = page.locator('#results li a');
	eq(await links.count(), 1, `${vp}: one result`);
	eq(await links.first().innerText(), product, `${vp}: the result names the product as text`);
	eq(await page.locator('#q').inputValue(), 'smartcam', `${vp}: the form keeps the search`);
	await page.screenshot({ path: `${outdir}/registry-${vp}.png`, fullPage: true });
	await Promise.all([page.waitForURL(new RegExp(`/v/${label}$`)), links.first().click()]);
	eq(await page.locator('#product').innerText(), product, `${vp}: the result leads to the label's page`);
	await page.goto(`${base}/registry?q=nothing-like-this`);
	check(await page.locator('#none').isVisible(), `${vp}: a search without results says so`);
}

try {
	// The watcher can fail: a page that does run a script is caught.
	{
		const context = await browser.newContext();
		const page = await context.newPage();
		const seen = watch(page);
		await page.setContent('<p>control</p><script>alert(1)</script>');
		eq(seen.dialogs, 1, 'control: an executed alert is seen');
		eq(await page.evaluate(() => document.scripts.length), 1, 'control: a script element is counted');
		await context.close();
	}
	for (const v of viewports) {
		const context = await browser.newContext({ viewport: { width: v.width, height: v.height } });
		const page = await context.newPage();
		const seen = watch(page);
		await verifyPage(page, v.name);
		if (phase === 'active')
			await registry(page, v.name);
		eq(seen.dialogs, 0, `${v.name}: no dialog opened (no script ran)`);
		eq(seen.errors.join(' | '), '', `${v.name}: no page error or CSP violation`);
		eq(seen.failed.join(' | '), '', `${v.name}: every resource loads`);
		await context.close();
	}
} catch (e) {
	failures++;
	console.log(`FAIL: ${e.stack || e}`);
} finally {
	await browser.close();
}
process.exit(failures ? 1 : 0);

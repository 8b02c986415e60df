// browser.mjs: Debian's Chromium driven by playwright-core, with axe-core
// accessibility checks and screenshots for the browser tests.
//
// No browser is downloaded: playwright-core runs /usr/bin/chromium (or
// $FAZHI_CHROMIUM).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
	'..', '..', '..');
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
export const RESULTS = path.join(ROOT, 'test-results');

// Start a headless browser; close it with browser.close().
export async function launch() {
	return chromium.launch({
		executablePath: process.env.FAZHI_CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync'],
	});
}

// Run axe-core on the page; returns the serious and critical violations,
// each as { id, impact, help, helpUrl, targets: [selector...] }.
// `options` goes to axe.run (e.g. { runOnly: ['wcag2a', 'wcag2aa'] }).
export async function axeCheck(page, options = {}) {
	if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
		try {
			await page.addScriptTag({ path: AXE });
		} catch (e) {
			// A page whose CSP forbids inline scripts (as ours
			// should) still lets the driver evaluate code.
			if (!/Content Security Policy/i.test(e.message))
				throw e;
			await page.evaluate(fs.readFileSync(AXE, 'utf8'));
		}
	}
	const violations = await page.evaluate(
		(opts) => window.axe.run(document, opts)
			.then((r) => r.violations), options);
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			helpUrl: v.helpUrl,
			targets: v.nodes.map((n) => n.target.join(' ')),
		}));
}

// A readable multi-line message for an assertion on axeCheck's result.
export function formatViolations(violations) {
	return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n` +
		v.targets.map((t) => `    ${t}`).join('\n')).join('\n');
}

// Save a full-page screenshot as test-results/NAME.png; returns its path.
export async function screenshot(page, name) {
	fs.mkdirSync(RESULTS, { recursive: true });
	const file = path.join(RESULTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

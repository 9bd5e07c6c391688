// SPDX-License-Identifier: BSD-2-Clause
// Drives the HTML page of `mbuftrace graph` in headless Chromium through
// the DevTools protocol, as a person would use it: pick a path in the
// list, hover a highlighted hop for its records, click a source location
// to copy it, pick a packet by frame number.  Needs only Node (its fetch
// and, with --experimental-websocket, its WebSocket) and Chromium.
// Prints "PASS what" or "FAIL what: why" per check.
//   node --experimental-websocket html_interact.mjs CHROMIUM URL PROFILE
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [chromium, url, profile] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const browser = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-component-update',
	'--no-first-run', `--user-data-dir=${profile}`, '--remote-debugging-port=0',
	'--window-size=1300,900', 'about:blank'], { stdio: 'ignore' });
const errors = [];
let failed = false;

function report(what, ok, why) {
	console.log(ok ? `PASS ${what}` : `FAIL ${what}: ${why}`);
	failed ||= !ok;
}

async function main() {
	let port;
	for (let i = 0; i < 200 && !port; i++) {
		try {
			port = readFileSync(`${profile}/DevToolsActivePort`, 'utf8').split('\n')[0];
		} catch {
			await sleep(50);
		}
	}
	if (!port)
		throw new Error('Chromium did not open its DevTools port');
	// The browser's own loopback endpoint, on this machine only.
	const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
	const page = targets.find((t) => t.type === 'page');
	const ws = new WebSocket(page.webSocketDebuggerUrl);
	const pending = new Map();
	let next = 0;
	ws.onmessage = (m) => {
		const d = JSON.parse(m.data);
		if (d.id && pending.has(d.id)) {
			pending.get(d.id)(d);
			pending.delete(d.id);
		} else if (d.method === 'Runtime.exceptionThrown') {
			errors.push(d.params.exceptionDetails.text);
		} else if (d.method === 'Runtime.consoleAPICalled' && d.params.type === 'error') {
			errors.push(JSON.stringify(d.params.args));
		} else if (d.method === 'Log.entryAdded' && d.params.entry.level === 'error') {
			errors.push(d.params.entry.text);
		}
	};
	await new Promise((r) => { ws.onopen = r; });
	const send = (method, params = {}) => new Promise((r) => {
		pending.set(++next, r);
		ws.send(JSON.stringify({ id: next, method, params }));
	});
	const js = async (expr) => {
		const d = await send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true });
		if (d.result.exceptionDetails)
			throw new Error(`${expr}: ${d.result.exceptionDetails.text}`);
		return d.result.result.value;
	};
	await send('Runtime.enable');
	await send('Log.enable');
	await send('Page.navigate', { url });
	for (let i = 0; i < 100 && await js('document.readyState') !== 'complete'; i++)
		await sleep(50);

	// 1. A path picked in the list is highlighted and said.
	const status = await js(`document.querySelectorAll('.path')[1].click();
		document.getElementById('status').textContent`);
	report('clicking path #2 selects it', status ===
		'path 2 of 4, 11 steps, 1 hops highlighted, ends dropped in router1', status);
	report('and highlights its one hop', await js(
		"document.querySelectorAll('.edge.hl').length") === 1, 'not one');

	// 2. Hovering the highlighted hop shows its packets and the records there.
	const tip = await js(`(() => {
		const e = document.querySelector('.edge.hl'), r = e.getBoundingClientRect();
		e.dispatchEvent(new MouseEvent('mousemove', { clientX: r.x + 5, clientY: r.y + 5, bubbles: true }));
		const t = document.getElementById('tip');
		return t.style.display + '|' + t.textContent; })()`);
	report('hovering the hop shows it', tip.startsWith('block|pc1:eth0 \u2192 router1:eth0: 11 packets'), tip);
	report('with the records of the path there', tip.includes('rule nftables inet/filter/forward 7 drop') &&
		tip.includes('net/netfilter/core.c:622'), tip);

	// 3. A source location is copied when clicked.
	const toast = await js(`(async () => {
		document.querySelector('#seq .src').click();
		await new Promise((r) => setTimeout(r, 300));
		return document.getElementById('toast').textContent; })()`);
	report('clicking a source location copies file:line', toast === 'copied net/ipv4/udp.c:1270', toast);

	// 4. A packet picked by its frame number.
	const frame = await js(`document.getElementById('frame').value = '10';
		document.getElementById('go').click();
		document.getElementById('status').textContent`);
	report('frame 10 picked by number', frame ===
		'frame 10: path 3 of 4, 17 steps, 3 hops highlighted, ends delivered in server', frame);

	report('no error on the console', errors.length === 0, errors.join('; '));
	ws.close();
}

main().catch((e) => report('the page could be driven', false, e.message))
	.finally(() => {
		browser.kill('SIGKILL');
		process.exit(failed ? 1 : 0);
	});

// The page of `cptunits serve`: it sends the file to this server's API and
// shows what comes back.  No framework, no other server: text is put in
// the page as text (textContent), never as markup.
'use strict';

const $ = (id) => document.getElementById(id);
let chosen = null;	// { blob, name }

function el(tag, text, cls) {
	const e = document.createElement(tag);
	if (text !== undefined && text !== null) e.textContent = String(text);
	if (cls) e.className = cls;
	return e;
}

function status(text, error) {
	$('status').textContent = text;
	$('status').className = error ? 'error' : '';
}

function isCalendar(text) {
	return /^(\ufeff)?\s*BEGIN:(VCALENDAR|VEVENT)/i.test(text);
}

function params(format) {
	const p = new URLSearchParams({ format: format });
	for (const k of ['from', 'to', 'tz', 'payer', 'patient']) {
		const v = $(k).value.trim();
		if (v) p.set(k, v);
	}
	return p;
}

// One request to the API: the answer, or an Error with the server's words.
async function ask(format, annotate) {
	const rules = $('rules').files[0], auths = $('auths').files[0];
	let url, body;
	if (auths && !annotate) {
		url = '/api/auth?' + params(format);
		body = new FormData();
		body.append('auths', auths);
		body.append('file', chosen.blob, chosen.name);
		if (rules) body.append('rules', rules);
	} else {
		const p = annotate ? new URLSearchParams() : params(format);
		url = (annotate ? '/api/annotate?' : '/api/units?') + p;
		if (rules) {
			body = new FormData();
			body.append('file', chosen.blob, chosen.name);
			body.append('rules', rules);
		} else
			body = chosen.blob;
	}
	const r = await fetch(url, { method: 'POST', body: body });
	if (!r.ok) throw new Error((await r.text()).trim() || r.statusText);
	return r;
}

function codes(line) {
	if (!line.codes.length) return 'nothing';
	return line.codes.map((c) => c.code + ' \u00d7' + c.units).join(', ');
}

function unitsTable(lines) {
	const t = $('units');
	t.replaceChildren();
	const cols = ['Patient', 'Date', 'Family', 'Provider', 'Payer',
	    'Modifiers', 'Minutes', 'Bills', 'Next unit'];
	const head = el('tr');
	cols.forEach((c, i) => head.append(el('th', c, i === 6 ? 'n' : '')));
	t.append(head);
	for (const l of lines) {
		const tr = el('tr');
		tr.append(el('td', l.patient), el('td', l.date), el('td', l.family),
		    el('td', l.provider), el('td', l.payer),
		    el('td', l.modifiers), el('td', l.minutes, 'n'),
		    el('td', codes(l)),
		    el('td', l.next_unit_minutes === null ? '\u2014' :
		    'in ' + l.next_unit_minutes + ' more min'));
		t.append(tr);
		for (const w of l.warnings) {
			const wr = el('tr'), td = el('td', w, 'warn');
			td.colSpan = cols.length;
			wr.append(td);
			t.append(wr);
		}
	}
	if (!lines.length) {
		const tr = el('tr'), td = el('td', 'Nothing to bill.');
		td.colSpan = cols.length;
		tr.append(td);
		t.append(tr);
	}
}

function list(id, items) {
	$(id).replaceChildren(...items.map((s) => el('li', s)));
	$(id + '-h').hidden = items.length === 0;
}

// A calendar month by month: each day's units, for a scheduler.
function months(lines) {
	const box = $('months');
	box.replaceChildren();
	const byDay = new Map();
	for (const l of lines) {
		const n = l.codes.reduce((a, c) => a + c.units, 0);
		byDay.set(l.date, (byDay.get(l.date) || 0) + n);
	}
	const keys = [...new Set([...byDay.keys()].map((d) => d.slice(0, 7)))].sort();
	for (const ym of keys) {
		const [y, m] = ym.split('-').map(Number);
		const first = new Date(Date.UTC(y, m - 1, 1));
		const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
		const div = el('div', null, 'month');
		div.append(el('h3', first.toLocaleString('en', { month: 'long',
		    year: 'numeric', timeZone: 'UTC' })));
		const t = el('table'), head = el('tr');
		for (const d of ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'])
			head.append(el('th', d));
		t.append(head);
		let tr = el('tr');
		for (let i = 0; i < first.getUTCDay(); i++)
			tr.append(el('td', '', 'empty'));
		for (let d = 1; d <= days; d++) {
			const key = ym + '-' + String(d).padStart(2, '0');
			const td = el('td');
			td.append(el('div', d, 'day'));
			if (byDay.has(key))
				td.append(el('div', byDay.get(key) + ' units', 'units'));
			tr.append(td);
			if ((first.getUTCDay() + d) % 7 === 0 || d === days) {
				t.append(tr);
				tr = el('tr');
			}
		}
		div.append(t);
		box.append(div);
	}
	$('month-h').hidden = keys.length === 0;
}

function authTable(a) {
	const t = $('auth');
	t.replaceChildren();
	const head = el('tr');
	for (const c of ['Authorization', 'Patient', 'Code', 'Period', 'Authorized',
	    'Billed', 'Scheduled', 'Remaining'])
		head.append(el('th', c));
	t.append(head);
	for (const x of a.authorizations)
		for (const p of x.periods) {
			const tr = el('tr', null, p.over ? 'over' : '');
			tr.append(el('td', x.auth), el('td', x.patient), el('td', x.code),
			    el('td', p.period_start + ' to ' + p.period_end),
			    el('td', p.authorized, 'n'), el('td', p.billed, 'n'),
			    el('td', p.scheduled, 'n'), el('td', p.remaining, 'n'));
			t.append(tr);
		}
	$('auth-h').hidden = false;
}

function download(label, format, annotate, filename) {
	const a = el('a', label);
	a.href = '#';
	a.addEventListener('click', async (ev) => {
		ev.preventDefault();
		try {
			const blob = await (await ask(format, annotate)).blob();
			const link = el('a');
			link.href = URL.createObjectURL(blob);
			link.download = filename;
			link.click();
			setTimeout(() => URL.revokeObjectURL(link.href), 10000);
		} catch (e) {
			status(e.message, true);
		}
	});
	return a;
}

async function run() {
	if (!chosen) {
		status('Choose a log or a calendar first.', true);
		return;
	}
	status('Counting ' + chosen.name + '\u2026');
	$('result').hidden = true;
	try {
		const r = await ask('json', false);
		const data = await r.json();
		const calendar = isCalendar(await chosen.blob.slice(0, 64).text());
		const auth = 'authorizations' in data;
		$('units').replaceChildren();
		$('auth').replaceChildren();
		$('auth-h').hidden = true;
		$('month-h').hidden = true;
		$('months').replaceChildren();
		if (auth)
			authTable(data);
		else {
			unitsTable(data.lines);
			const s = data.summary;
			$('summary').textContent = s.records + ' records: ' +
			    s.accepted + ' counted, ' + s.rejected + ' rejected; ' +
			    s.minutes + ' minutes.';
			if (calendar) months(data.lines);
		}
		list('rejects', data.rejects.map((j) =>
		    (j.line ? j.file + ':' + j.line : j.file) + ': ' + j.reason));
		list('notes', data.notes);
		const dl = $('downloads');
		dl.replaceChildren(el('span', 'Download: '),
		    download('CSV', 'csv', false, auth ? 'authorizations.csv' :
		    'units.csv'),
		    download('Workbook (.xlsx)', 'xlsx', false, auth ?
		    'authorizations.xlsx' : 'units.xlsx'));
		if (calendar && !auth)
			dl.append(download('Calendar with units (.ics)', 'ics', true,
			    'annotated.ics'));
		$('result').hidden = false;
		status(chosen.name + ': done' + (r.headers.get('X-Cptunits-Exit') ===
		    '1' ? ', with rejected rows below.' : '.'));
	} catch (e) {
		status(e.message, true);
	}
}

function choose(blob, name) {
	chosen = { blob: blob, name: name };
	run();
}

async function example(path) {
	const r = await fetch(path);
	choose(await r.blob(), path.slice(1));
}

$('file').addEventListener('change', () => {
	const f = $('file').files[0];
	if (f) choose(f, f.name);
});
$('run').addEventListener('click', run);
$('example').addEventListener('click', () => example('/example.csv'));
$('example-ics').addEventListener('click', () => example('/example.ics'));
const drop = $('drop');
drop.addEventListener('dragover', (ev) => {
	ev.preventDefault();
	drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
	ev.preventDefault();
	drop.classList.remove('over');
	const f = ev.dataTransfer.files[0];
	if (f) choose(f, f.name);
});
// ?example=csv or ?example=ics runs an example at once (the tests use it)
const ex = new URLSearchParams(location.search).get('example');
if (ex === 'csv' || ex === 'ics') example('/example.' + ex);

// xlsx.mjs: read back the workbooks the server writes (libxlsxwriter's
// zip archives: stored or deflated entries, sizes in the central
// directory), as sheets of rows of cell texts.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';

export function unescape(s) {
	return s.replace(/&amp;/g, '&').replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'");
}

// The files of a zip archive (enough for the workbooks libxlsxwriter
// writes: stored or deflated entries, sizes in the central directory).
function unzip(buf) {
	const files = new Map();
	const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
	assert.ok(eocd >= 0, 'a zip archive');
	let p = buf.readUInt32LE(eocd + 16);
	const n = buf.readUInt16LE(eocd + 10);
	for (let i = 0; i < n; i++) {
		const method = buf.readUInt16LE(p + 10);
		const size = buf.readUInt32LE(p + 20);
		const nameLen = buf.readUInt16LE(p + 28);
		const extra = buf.readUInt16LE(p + 30);
		const comment = buf.readUInt16LE(p + 32);
		const off = buf.readUInt32LE(p + 42);
		const name = buf.subarray(p + 46, p + 46 + nameLen).toString();
		const lname = buf.readUInt16LE(off + 26);
		const lextra = buf.readUInt16LE(off + 28);
		const data = buf.subarray(off + 30 + lname + lextra,
			off + 30 + lname + lextra + size);
		files.set(name, (method === 8 ? zlib.inflateRawSync(data) : data)
			.toString('utf8'));
		p += 46 + nameLen + extra + comment;
	}
	return files;
}

// The rows of a worksheet as arrays of cell texts (strings inline or
// shared, numbers as written).
function sheetRows(xml, shared) {
	const rows = [];
	for (const r of xml.matchAll(/<row [^>]*>([\s\S]*?)<\/row>/g)) {
		const cells = [];
		for (const c of r[1].matchAll(
			/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
			const col = [...c[1]].reduce((a, ch) =>
				a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
			const attrs = c[2], body = c[3] ?? '';
			let v = '';
			if (/t="s"/.test(attrs))
				v = shared[Number(/<v>(\d+)<\/v>/.exec(body)[1])];
			else if (/t="inlineStr"/.test(attrs))
				v = unescape(/<t[^>]*>([\s\S]*?)<\/t>/.exec(body)[1]);
			else
				v = /<v>([^<]*)<\/v>/.exec(body)?.[1] ?? '';
			cells[col] = v;
		}
		rows.push(cells);
	}
	return rows;
}

// { names, sheets: { name: { xml, rows } } } of an xlsx file's bytes.
export function workbook(buf) {
	const files = unzip(buf);
	const shared = [...(files.get('xl/sharedStrings.xml') ?? '')
		.matchAll(/<si>[\s\S]*?<t[^>]*>([\s\S]*?)<\/t>[\s\S]*?<\/si>/g)]
		.map((m) => unescape(m[1]));
	const names = [...files.get('xl/workbook.xml')
		.matchAll(/<sheet name="([^"]*)"/g)].map((m) => unescape(m[1]));
	const sheets = {};
	names.forEach((name, i) => {
		const xml = files.get(`xl/worksheets/sheet${i + 1}.xml`);
		sheets[name] = { xml, rows: sheetRows(xml, shared) };
	});
	return { names, sheets };
}


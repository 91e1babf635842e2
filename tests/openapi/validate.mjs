// validate.mjs DOCUMENT CAPTURE.jsonl [--coverage]
//
// Checks every answer captured by tests/e2e/lib.sh (LABELD_CAPTURE: one
// JSON line {method, path, status, type, body} per answer) against
// labeld's OpenAPI 3.1 document: the path and method name an operation
// (else the router's own 404/405/414/400 problem), the status is one the
// operation lists, the media type one that status lists, a JSON body
// validates against its schema (JSON Schema 2020-12, with formats), and a
// JSON request the server accepted (2xx but 202, a ballot held unchecked)
// against the request schema.
// With --coverage, every operation must also have answered 2xx at least
// once.  Prints each fault and the tally "N passed, M failed"; exits 1 on
// any fault.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [docPath, capPath, ...flags] = process.argv.slice(2);
if (!docPath || !capPath) {
	console.error('usage: node validate.mjs DOCUMENT CAPTURE.jsonl [--coverage]');
	process.exit(2);
}
const doc = JSON.parse(readFileSync(docPath, 'utf8'));
const ROOT = 'urn:labeld:openapi';
// The document's refs point into components; as one JSON Schema resource
// the component schemas become $defs of ROOT.
const rewrite = (v) => JSON.parse(JSON.stringify(v).replaceAll(
	'"#/components/schemas/', `"${ROOT}#/$defs/`));

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addFormat('binary', true);	// OpenAPI's raw bytes: nothing to check
ajv.addSchema({ $id: ROOT, $defs: rewrite(doc.components.schemas) });
// Every schema compiles under strict mode, used by an answer or not.
for (const name of Object.keys(doc.components.schemas))
	ajv.compile({ $ref: `${ROOT}#/$defs/${name}` });

const resolve = (obj) => {
	while (obj && obj.$ref) {
		const parts = obj.$ref.replace(/^#\//, '').split('/');
		obj = parts.reduce((o, k) => o?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
	}
	return obj;
};

// Templates, literal ones first, so /v1/log/checkpoint beats a {param}.
const templates = Object.keys(doc.paths).map((t) => ({
	t,
	re: new RegExp('^' + t.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+') + '$'),
	params: (t.match(/\{/g) || []).length,
})).sort((a, b) => a.params - b.params);

const validators = new Map();
const validator = (schema) => {
	const key = JSON.stringify(schema);
	if (!validators.has(key))
		validators.set(key, ajv.compile(rewrite(schema)));
	return validators.get(key);
};
const problem = validator({ $ref: '#/components/schemas/Problem' });
const isJson = (mt) => mt === 'application/json' || mt.endsWith('+json') || mt === 'application/vc';

let passed = 0, failed = 0;
const seen2xx = new Set();
const fault = (c, why) => {
	failed++;
	console.log(`FAIL: ${c.method} ${c.path} ${c.status} ${c.type}: ${why}`);
};

const lines = readFileSync(capPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
for (const line of lines) {
	const c = JSON.parse(line);
	if (c.status === 0)	// curl got no answer: the test itself says so
		continue;
	// As the server reads it: percent-decoded, segment by segment.
	const path = c.path.split('?')[0].split('/').map((s) => {
		try { return decodeURIComponent(s); } catch { return s; }
	}).join('/');
	const mt = (c.type || '').split(';')[0].trim().toLowerCase();
	const m = c.method.toLowerCase();
	const tpl = templates.find((x) => x.re.test(path) && doc.paths[x.t][m]);
	if (!tpl) {
		// No operation: only the router's own problems may answer.
		if (![400, 404, 405, 414].includes(c.status))
			{ fault(c, 'no operation in the document'); continue; }
		if (mt !== 'application/problem+json')
			{ fault(c, 'a router answer that is not problem+json'); continue; }
		if (!problem(JSON.parse(c.body)))
			{ fault(c, ajv.errorsText(problem.errors)); continue; }
		passed++;
		continue;
	}
	const op = doc.paths[tpl.t][m];
	const opName = `${c.method} ${tpl.t}`;
	const resp = resolve(op.responses[String(c.status)]);
	if (!resp) { fault(c, `status ${c.status} is not documented for ${opName}`); continue; }
	const content = resp.content || {};
	const media = content[mt] || content['*/*'];
	if (!media) {
		if (Object.keys(content).length === 0 && c.body === '') { passed++; continue; }
		fault(c, `media type "${mt}" is not documented for ${opName} ${c.status} (${Object.keys(content).join(', ')})`);
		continue;
	}
	if (isJson(mt) && media.schema) {
		let body;
		try { body = JSON.parse(c.body); } catch (e) { fault(c, `not JSON: ${e.message}`); continue; }
		const v = validator(media.schema);
		if (!v(body)) { fault(c, `${opName}: ${ajv.errorsText(v.errors)}`); continue; }
	}
	// A JSON body the server accepted must fit the request schema; not
	// one held as a ballot (202): its checks run with the act, on approval.
	const reqSchema = op.requestBody?.content?.['application/json']?.schema;
	if (c.status >= 200 && c.status < 300 && c.status !== 202 && c.request && reqSchema) {
		let sent;
		try { sent = JSON.parse(c.request); } catch { sent = undefined; }
		const v = validator(reqSchema);
		if (sent !== undefined && !v(sent))
			{ fault(c, `${opName}: accepted a request its schema refuses: ${ajv.errorsText(v.errors)}`); continue; }
	}
	if (c.status >= 200 && c.status < 300)
		seen2xx.add(opName);
	passed++;
}

if (flags.includes('--coverage')) {
	for (const [t, item] of Object.entries(doc.paths))
		for (const m of Object.keys(item)) {
			const name = `${m.toUpperCase()} ${t}`;
			if (seen2xx.has(name)) passed++;
			else { failed++; console.log(`FAIL: ${name}: no 2xx answer was captured`); }
		}
}
console.log(`validate: ${lines.length} answers; ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

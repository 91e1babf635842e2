// jcs-compare.mjs - cross-checks labeld's RFC 8785 serialiser (tests/jcs_canon)
// against an independent implementation (npm "canonicalize").
//
//   node jcs-compare.mjs /path/to/jcs_canon [count] [seed]
//
// Generates `count` random JSON values with a seeded PRNG (so a failure is
// reproducible from the seed it prints), writes each as one line of JSON text
// (randomly escaped, so jansson's decoder is exercised too) to a single
// `jcs_canon -l` process, and compares every output line with canonicalize()
// of the same JavaScript value.  Also checks that both refuse lone
// surrogates.  Exit 0 when all agree, 1 otherwise.
import { spawnSync } from 'node:child_process';
import canonicalize from 'canonicalize';

const canonBin = process.argv[2];
const count = Number(process.argv[3] ?? 3000);
const seed = Number(process.argv[4] ?? 20250101) >>> 0;
if (!canonBin) {
  console.error('usage: node jcs-compare.mjs JCS_CANON [count] [seed]');
  process.exit(2);
}

// mulberry32: small, fast, good enough for test data.
let state = seed;
function rnd() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];

// Code points from the classes that trip up serialisers.
function codePoint() {
  switch (int(12)) {
    case 0: return int(0x20);                          // control characters
    case 1: return pick([0x22, 0x5c, 0x2f, 0x7f]);     // " \ / DEL
    case 2: return 0x80 + int(0x780);                  // Latin-1 .. U+07FF
    case 3: return 0x800 + int(0xd800 - 0x800);        // BMP below surrogates
    case 4: return 0xe000 + int(0x2000);               // U+E000..U+FFFF
    case 5: return pick([0x2028, 0x2029, 0xfeff, 0xfffd, 0xffff, 0xe000, 0xfb33, 0x20ac]);
    case 6: return 0x10000 + int(0x100000);            // astral (surrogate pairs)
    case 7: return pick([0x1f600, 0x10000, 0x10ffff, 0x1f4a9]);
    default: return 0x20 + int(0x5f);                  // printable ASCII
  }
}

// Keys never hold U+0000: jansson's decoder refuses NUL in object keys
// (values may hold it with JSON_ALLOW_NUL), so labeld never meets one.
function randString(maxLen, isKey = false) {
  let s = '';
  const n = int(maxLen + 1);
  for (let i = 0; i < n; i++) {
    let cp = codePoint();
    if (isKey && cp === 0) cp = 1;
    s += String.fromCodePoint(cp);
  }
  return s;
}

const f64 = new DataView(new ArrayBuffer(8));
function randNumber() {
  switch (int(10)) {
    case 0: case 1: case 2: {                          // integers within 2^53
      const big = int(4) === 0;
      const v = big ? Math.floor(rnd() * 2 ** 53) : int(2000) - 1000;
      return int(2) ? -v : v;
    }
    case 3: {                                           // any finite double
      let x;
      do {
        f64.setUint32(0, Math.floor(rnd() * 2 ** 32));
        f64.setUint32(4, Math.floor(rnd() * 2 ** 32));
        x = f64.getFloat64(0);
      } while (!Number.isFinite(x));
      return x;
    }
    case 4: return (int(2) ? 1 : -1) * 2 ** (int(2098) - 1074); // powers of two
    case 5: return pick([0, -0, 1e21, 1e-7, 1e-6, 0.000001, 1e20, 999999999999999900000,
      5e-324, 1.7976931348623157e308, 2 ** 53, 2 ** 53 - 1, 0.1, 0.2 + 0.1, 4.5, 1 / 3]);
    case 6: return Number((rnd() * 10 ** (int(40) - 20)).toPrecision(1 + int(17)));
    default: return (rnd() - 0.5) * 10 ** (int(30) - 15);
  }
}

function randValue(depth) {
  const r = int(depth > 4 ? 6 : 10);
  switch (r) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: case 3: return randNumber();
    case 4: case 5: return randString(12);
    case 6: case 7: {
      const a = [];
      const n = int(6);
      for (let i = 0; i < n; i++) a.push(randValue(depth + 1));
      return a;
    }
    default: {
      const o = {};
      const n = int(7);
      for (let i = 0; i < n; i++) {
        let k = int(4) === 0 ? pick(['', 'a', 'b', '1', '10', 'A', 'é', '€', '😀', '\ue000',
          '\ufb33', '\r', '\u0080', 'aa', 'ab']) : randString(6, true);
        if (k === '__proto__') k = '__proto_';
        o[k] = randValue(depth + 1);
      }
      return o;
    }
  }
}

// JSON text for jansson.  Integral numbers outside +-(2^53-1) are written
// in exponent form so that jansson reads them as reals (it would refuse an
// integer token beyond int64); -0 as "-0.0".  Strings escape randomly.
function numText(x) {
  if (Object.is(x, -0)) return '-0.0';
  if (Number.isInteger(x) && Math.abs(x) > Number.MAX_SAFE_INTEGER) return x.toExponential();
  return JSON.stringify(x);
}

function hex4(u) { return '\\u' + u.toString(16).padStart(4, '0').replace(/./g, (c) => int(2) ? c.toUpperCase() : c); }

function strText(s) {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (cp < 0x20 || cp === 0x22 || cp === 0x5c) {
      const short = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' }[cp];
      out += short && int(2) ? short : hex4(cp);
    } else if (cp === 0x2f && int(3) === 0) {
      out += '\\/';
    } else if (cp > 0x7f && int(3) === 0) {
      if (cp >= 0x10000) {
        const v = cp - 0x10000;
        out += hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
      } else {
        out += hex4(cp);
      }
    } else {
      out += ch;
    }
  }
  return out + '"';
}

const ws = () => pick(['', '', '', ' ', '\t', '  ']);

function toText(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return numText(v);
  if (typeof v === 'string') return strText(v);
  if (Array.isArray(v)) return '[' + ws() + v.map(toText).join(ws() + ',' + ws()) + ws() + ']';
  return '{' + ws() + Object.keys(v).map((k) => strText(k) + ws() + ':' + ws() + toText(v[k]))
    .join(',' + ws()) + ws() + '}';
}

// jcs refuses a number whose canonical form is an integer beyond +-(2^53-1)
// (2^53 <= |x| < 1e21): read back, that form is an integer an I-JSON peer
// cannot hold exactly (RFC 7493 2.2), which jcs refuses.
function unsafeIntegral(v) {
  if (typeof v === 'number')
    return Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER && Math.abs(v) < 1e21;
  if (v !== null && typeof v === 'object') return Object.values(v).some(unsafeIntegral);
  return false;
}

const inputs = [];
const expected = [];
for (let i = 0; i < count; i++) {
  const v = randValue(0);
  inputs.push(toText(v));
  expected.push(unsafeIntegral(v) ? null : canonicalize(v));
}
// Both sides must refuse lone surrogates (jansson at parse time).
const refusals = ['"\\ud800"', '{"\\udfff":1}', '["a\\ud83d"]', '"\\ude00\\ud83d"'];
for (const r of refusals) {
  let threw = false;
  try { canonicalize(JSON.parse(r)); } catch { threw = true; }
  if (!threw) { console.error(`canonicalize accepted ${r}?`); process.exit(1); }
  inputs.push(r);
  expected.push(null);
}
// ... and jcs_canon refuses integers beyond 2^53-1 (canonicalize cannot see them),
// also written as reals whose canonical form is such an integer.
inputs.push('9007199254740992', '[-9007199254740992]', '12345678901234567.1', '[1e20]');
expected.push(null, null, null, null);

const res = spawnSync(canonBin, ['-l'], {
  input: inputs.join('\n') + '\n',
  maxBuffer: 1 << 30,
});
if (res.error || res.status !== 0) {
  console.error(`jcs_canon failed: ${res.error ?? ''} status ${res.status} ${res.stderr}`);
  process.exit(1);
}
const got = res.stdout.toString('utf8').split('\n');
if (got.length !== inputs.length + 1 || got[inputs.length] !== '') {
  console.error(`expected ${inputs.length} output lines, got ${got.length - 1}`);
  process.exit(1);
}
let bad = 0;
for (let i = 0; i < inputs.length; i++) {
  const ok = expected[i] === null ? got[i].startsWith('!') : got[i] === expected[i];
  if (!ok && bad++ < 10) {
    console.error(`MISMATCH #${i} (seed ${seed})\n input:          ${inputs[i]}\n` +
      ` jcs_canon:      ${got[i]}\n canonicalize:   ${expected[i] ?? '(refusal)'}`);
  }
}
console.log(`jcs-compare: seed ${seed}: ${inputs.length} values, ${inputs.length - bad} agree, ${bad} differ`);
process.exit(bad === 0 ? 0 : 1);

// verify.mjs - independent verifier of labeld credentials, built on the
// Digital Bazaar libraries (@digitalbazaar/vc, data-integrity,
// eddsa-jcs-2022-cryptosuite, ed25519-multikey, vc-bitstring-status-list),
// none of which shares code with labeld.
//
//   node verify.mjs --credential FILE [--base URL] [--did-document FILE]...
//       [--status-list FILE]... [--trust-bundle FILE] [--at TIME]
//       [--expect valid|invalid]
//
// The document loader is offline: it serves only the credentials v2
// context (from @digitalbazaar/credentials-context) and the documents
// gathered before verification starts:
//  - with --base URL: URL/.well-known/did.json, every status list the
//    credential names under URL, and URL/v1/trust-bundle when it exists;
//  - --did-document and --status-list files (keyed by their "id").
// A DID URL "did:...#key" resolves to that key of the DID document.
//
// Verdict = vc.verifyCredential (signature, issuer = key controller, key
// listed under assertionMethod, validFrom/validUntil at --at, and checkStatus,
// which loads and verifies each status list) AND, read here because the
// library's checkStatus answers verified even for a set bit, every
// revocation/suspension bit clear AND, when a trust bundle is known, the
// signing key valid at proof.created (not used after its retirement or
// compromise: the DID document cannot say that) AND @context exactly the
// contexts labeld issues (eddsa-jcs-2022 does not sign the credential's
// own contexts, and the library accepts any: measured, see context.note).
//
// Prints one JSON object: {file, verified, expected, library:{verified,
// errors}, status:[{purpose, index, list, set}], key:{checked, ok, detail},
// context:{ok, detail}}.
// Exit 0 when the verdict matches --expect (default valid), 1 when it does
// not, 2 on a usage or setup error (unreadable file, fetch failure).
import {readFile} from 'node:fs/promises';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus, decodeList} from
  '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialContexts} from
  '@digitalbazaar/credentials-context';

const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
const FETCH_TIMEOUT_MS = 10000;

function usage(msg) {
  if(msg) {
    console.error(`verify.mjs: ${msg}`);
  }
  console.error('usage: node verify.mjs --credential FILE [--base URL] ' +
    '[--did-document FILE]... [--status-list FILE]... ' +
    '[--trust-bundle FILE] [--at TIME] [--expect valid|invalid]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {didDocs: [], lists: [], expect: 'valid'};
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    const need = () => {
      if(v === undefined) {
        usage(`${a} needs a value`);
      }
      i++;
      return v;
    };
    switch(a) {
      case '--credential': o.credential = need(); break;
      case '--base': o.base = need().replace(/\/+$/, ''); break;
      case '--did-document': o.didDocs.push(need()); break;
      case '--status-list': o.lists.push(need()); break;
      case '--trust-bundle': o.bundle = need(); break;
      case '--at': o.at = need(); break;
      case '--expect': o.expect = need(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if(!o.credential) {
    usage('--credential is required');
  }
  if(o.expect !== 'valid' && o.expect !== 'invalid') {
    usage('--expect takes valid or invalid');
  }
  if(o.at !== undefined) {
    const t = new Date(/^\d{4}-\d\d-\d\d$/.test(o.at) ?
      `${o.at}T00:00:00Z` : o.at);
    if(isNaN(t)) {
      usage(`--at ${o.at}: not a date`);
    }
    o.now = t;
  }
  return o;
}

async function readJson(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch(e) {
    console.error(`verify.mjs: ${path}: ${e.message}`);
    process.exit(2);
  }
}

// GET url as JSON; undefined on 404 (when optional), exit 2 otherwise.
async function fetchJson(url, optional = false) {
  let res;
  try {
    res = await fetch(url, {signal: AbortSignal.timeout(FETCH_TIMEOUT_MS)});
  } catch(e) {
    console.error(`verify.mjs: GET ${url}: ${e.message}`);
    process.exit(2);
  }
  if(optional && res.status === 404) {
    return undefined;
  }
  if(!res.ok) {
    console.error(`verify.mjs: GET ${url}: HTTP ${res.status}`);
    process.exit(2);
  }
  return res.json();
}

const statusEntries = cred => [].concat(cred.credentialStatus ?? [])
  .filter(e => e && e.type === 'BitstringStatusListEntry');

// Offline loader over a map of documents, with DID URL dereferencing.
function makeLoader(docs) {
  return async url => {
    if(credentialContexts.has(url)) {
      return {contextUrl: null, documentUrl: url,
        document: credentialContexts.get(url)};
    }
    if(docs.has(url)) {
      return {contextUrl: null, documentUrl: url,
        document: structuredClone(docs.get(url))};
    }
    const hash = url.indexOf('#');
    if(url.startsWith('did:') && hash > 0 && docs.has(url.slice(0, hash))) {
      const didDoc = docs.get(url.slice(0, hash));
      const vm = [].concat(didDoc.verificationMethod ?? [])
        .find(m => m && m.id === url);
      if(vm) {
        return {contextUrl: null, documentUrl: url,
          document: {'@context': MULTIKEY_CONTEXT, ...vm}};
      }
    }
    throw new Error(`offline document loader: ${url} was not provided`);
  };
}

// labeld issues exactly this @context; anything else changes meaning
// without changing what the proof signs.
function contextPolicy(credential) {
  const ctx = credential['@context'];
  const ok = Array.isArray(ctx) && ctx.length === 1 &&
    ctx[0] === 'https://www.w3.org/ns/credentials/v2';
  return {ok, detail: ok ? 'the contexts labeld issues' :
    `@context ${JSON.stringify(ctx)} is not the one labeld issues`};
}

// The key record of the trust bundle for vm, judged at proof.created.
function keyPolicy(bundle, proof) {
  if(!bundle) {
    return {checked: false, ok: true,
      detail: 'no trust bundle: key validity not checked'};
  }
  const key = (bundle.keys ?? []).find(k => k.id === proof?.verificationMethod);
  if(!key) {
    return {checked: true, ok: false,
      detail: `${proof?.verificationMethod} is not in the trust bundle`};
  }
  const created = Date.parse(proof.created);
  if(isNaN(created)) {
    return {checked: true, ok: false, detail: 'proof has no created time'};
  }
  if(key.validFrom && created < Date.parse(key.validFrom)) {
    return {checked: true, ok: false,
      detail: `signed ${proof.created}, before the key's validFrom`};
  }
  if(key.compromisedAt && created >= Date.parse(key.compromisedAt)) {
    return {checked: true, ok: false,
      detail: `signed ${proof.created}, after the key was compromised ` +
        `(${key.compromisedAt})`};
  }
  // Inclusive, as labeld's verifier: stamps are whole seconds.
  if(key.validUntil && created > Date.parse(key.validUntil)) {
    return {checked: true, ok: false,
      detail: `signed ${proof.created}, after the key was retired ` +
        `(${key.validUntil})`};
  }
  return {checked: true, ok: true, detail: `key ${key.id} valid when it signed`};
}

function errorMessages(result) {
  const out = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e.errors)) {
      e.errors.forEach(walk);
    }
    if(e.message) {
      out.push(e.message);
    }
    if(e.cause) {
      walk(e.cause);
    }
  };
  walk(result.error);
  for(const r of result.results ?? []) {
    walk(r.error);
  }
  for(const r of result.statusResult?.results ?? []) {
    walk(r.error);
  }
  walk(result.statusResult?.error);
  return [...new Set(out)];
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const credential = await readJson(o.credential);
  const docs = new Map();
  let bundle = o.bundle ? await readJson(o.bundle) : undefined;

  for(const f of o.didDocs) {
    const d = await readJson(f);
    docs.set(d.id, d);
  }
  for(const f of o.lists) {
    const d = await readJson(f);
    docs.set(d.id, d);
  }
  if(o.base) {
    const did = await fetchJson(`${o.base}/.well-known/did.json`);
    docs.set(did.id, did);
    for(const e of statusEntries(credential)) {
      const url = e.statusListCredential;
      if(typeof url === 'string' && url.startsWith(`${o.base}/`) &&
        !docs.has(url)) {
        docs.set(url, await fetchJson(url));
      }
    }
    bundle ??= await fetchJson(`${o.base}/v1/trust-bundle`, true);
  }

  const documentLoader = makeLoader(docs);
  const suite = new DataIntegrityProof({
    cryptosuite: createVerifyCryptosuite()
  });
  const lib = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus,
    ...(o.now ? {now: o.now} : {})
  });

  // The bits, read here from the same lists the library verified.
  const status = [];
  for(const e of statusEntries(credential)) {
    const entry = {purpose: e.statusPurpose, index: Number(e.statusListIndex),
      list: e.statusListCredential, set: null};
    const sl = docs.get(e.statusListCredential);
    if(sl?.credentialSubject?.encodedList) {
      try {
        const list = await decodeList({
          encodedList: sl.credentialSubject.encodedList
        });
        entry.set = list.getStatus(entry.index);
      } catch(err) {
        entry.error = err.message;
      }
    }
    status.push(entry);
  }
  const statusOk = status.every(s => s.set === false ||
    (s.set === true && !['revocation', 'suspension'].includes(s.purpose)));
  const key = keyPolicy(bundle, credential.proof);
  const context = contextPolicy(credential);
  const verified = lib.verified === true && statusOk && key.ok && context.ok;

  const out = {
    file: o.credential,
    verified,
    expected: o.expect,
    library: {verified: lib.verified === true, errors: errorMessages(lib)},
    status,
    key,
    context
  };
  console.log(JSON.stringify(out, null, 2));
  process.exit(verified === (o.expect === 'valid') ? 0 : 1);
}

main().catch(e => {
  console.error(`verify.mjs: ${e.stack ?? e}`);
  process.exit(2);
});

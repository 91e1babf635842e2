// labels-verify.mjs - checks what labeld's issuer signs with the Digital
// Bazaar libraries, which share no code with labeld:
//
//   node labels-verify.mjs DIR
//
// DIR holds what tests/issue_artifacts writes:
// label.json (active), label-suspended.json, revocation-1.json,
// suspension-1.json, did.json.  Checks, each printed as "ok ..." or
// "FAIL ...":
//  - both status list credentials verify (vc.verifyCredential: proof,
//    issuer = key controller, validity dates);
//  - both labels verify with checkStatus (which loads and verifies the
//    lists through the offline loader below);
//  - the bits, read here (the library's checkStatus does not): the active
//    label has none set; the suspended one has its suspension bit set and
//    its revocation bit clear;
//  - the encoded lists hold at least 131072 entries.
// Exit 0 when every check passes, 1 otherwise, 2 on a setup error.
import {readFile} from 'node:fs/promises';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus, decodeList} from
  '@digitalbazaar/vc-bitstring-status-list';
import {contexts} from '@digitalbazaar/credentials-context';

const dir = process.argv[2];
if(!dir) {
  console.error('usage: node labels-verify.mjs DIR');
  process.exit(2);
}

async function load(name) {
  try {
    return JSON.parse(await readFile(`${dir}/${name}`, 'utf8'));
  } catch(e) {
    console.error(`labels-verify: ${name}: ${e.message}`);
    process.exit(2);
  }
}

const label = await load('label.json');
const suspended = await load('label-suspended.json');
const revList = await load('revocation-1.json');
const susList = await load('suspension-1.json');
const did = await load('did.json');
const docs = new Map([[revList.id, revList], [susList.id, susList],
  [did.id, did]]);

const documentLoader = async url => {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(docs.has(url)) {
    return {contextUrl: null, documentUrl: url,
      document: structuredClone(docs.get(url))};
  }
  const [base] = url.split('#');
  if(url.includes('#') && docs.has(base)) {
    const vm = docs.get(base).verificationMethod.find(m => m.id === url);
    if(vm) {
      return {contextUrl: null, documentUrl: url, document: {
        '@context': 'https://w3id.org/security/multikey/v1', ...vm}};
    }
  }
  throw new Error(`offline loader: ${url} not provided`);
};

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
let failures = 0;
const report = (ok, what, detail = '') => {
  console.log(`${ok ? 'ok' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if(!ok) {
    failures++;
  }
};
const why = r => JSON.stringify(r.error ?? r.results?.map(x => x.error) ??
  r, (k, v) => (v instanceof Error ? v.message : v)).slice(0, 600);

for(const list of [revList, susList]) {
  const r = await vc.verifyCredential({credential: list, suite,
    documentLoader});
  report(r.verified, `status list ${list.id} verifies`, r.verified ? '' : why(r));
  const bits = await decodeList({encodedList:
    list.credentialSubject.encodedList});
  report(bits.length >= 131072, `${list.id} has ${bits.length} entries`);
}

async function bits(cred) {
  const out = {};
  for(const e of cred.credentialStatus) {
    const list = docs.get(e.statusListCredential);
    const decoded = await decodeList({encodedList:
      list.credentialSubject.encodedList});
    out[e.statusPurpose] = decoded.getStatus(parseInt(e.statusListIndex, 10));
  }
  return out;
}

for(const [cred, expect] of [[label, {revocation: false, suspension: false}],
  [suspended, {revocation: false, suspension: true}]]) {
  const r = await vc.verifyCredential({credential: cred, suite,
    documentLoader, checkStatus});
  report(r.verified, `label ${cred.id} verifies (with checkStatus)`,
    r.verified ? '' : why(r));
  const got = await bits(cred);
  report(got.revocation === expect.revocation &&
    got.suspension === expect.suspension,
  `label ${cred.id} status bits`, JSON.stringify(got));
}

process.exit(failures ? 1 : 0);

// bench_db.mjs - the reference for labelverify's batch rate: the Digital
// Bazaar verifier (vc.verifyCredential with checkStatus, the libraries
// tests/interop pins) in one process over the same credential files, with
// the same offline document loader as tests/interop/verify.mjs.
//
//   node bench_db.mjs --did-document FILE --status-list FILE...
//       [--seconds S] CREDENTIAL|DIR...
//
// A DIR stands for every *.json file in it (ten thousand file names do not
// fit one command line).
//
// checkStatus is required by the library for a credential with a
// credentialStatus; it re-verifies and inflates both status lists for every
// credential, which dominates its cost (labelverify loads them once).
//
// Verifies the files in turn, each once, stopping early when S seconds
// (default 10) have passed.  Prints "db_verify_per_s RATE verified N of M"; exit
// 1 when any credential did not verify (a rate over failures means nothing).
// Run from a directory whose node_modules holds tests/interop's packages.
import {readFile, readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialContexts} from
  '@digitalbazaar/credentials-context';

const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';

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
      const vm = [].concat(docs.get(url.slice(0, hash)).verificationMethod ??
        []).find(m => m && m.id === url);
      if(vm) {
        return {contextUrl: null, documentUrl: url,
          document: {'@context': MULTIKEY_CONTEXT, ...vm}};
      }
    }
    throw new Error(`offline document loader: ${url} was not provided`);
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const docs = new Map();
  const files = [];
  let seconds = 10;
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(a === '--did-document' || a === '--status-list') {
      const d = JSON.parse(await readFile(argv[++i], 'utf8'));
      docs.set(d.id, d);
    } else if(a === '--seconds') {
      seconds = Number(argv[++i]);
    } else if((await stat(a)).isDirectory()) {
      for(const f of (await readdir(a)).filter(f => f.endsWith('.json'))
        .sort()) {
        files.push(join(a, f));
      }
    } else {
      files.push(a);
    }
  }
  if(files.length === 0 || !(seconds > 0)) {
    console.error('usage: node bench_db.mjs --did-document FILE ' +
      '--status-list FILE... [--seconds S] CREDENTIAL|DIR...');
    process.exit(2);
  }
  const creds = await Promise.all(files.map(async f =>
    JSON.parse(await readFile(f, 'utf8'))));
  const documentLoader = makeLoader(docs);
  const suite = new DataIntegrityProof({
    cryptosuite: createVerifyCryptosuite()
  });
  // Warm up (JIT, first loads) on a few, outside the timing.
  for(let i = 0; i < Math.min(50, creds.length); i++) {
    await vc.verifyCredential({credential: creds[i], suite, documentLoader,
      checkStatus});
  }
  let n = 0;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  let t = 0;
  do {
    const r = await vc.verifyCredential({
      credential: creds[n], suite, documentLoader,
      checkStatus
    });
    if(r.verified === true) {
      ok++;
    }
    n++;
    t = Number(process.hrtime.bigint() - t0) / 1e9;
  } while(t < seconds && n < creds.length);
  console.log(`db_verify_per_s ${(n / t).toFixed(0)} verified ${ok} of ${n}`);
  process.exit(ok === n ? 0 : 1);
}

main().catch(e => {
  console.error(`bench_db.mjs: ${e.stack ?? e}`);
  process.exit(2);
});

// The fleet benchmark (README "Performance"): the same fleet built through
// the library and as raw cdk8s ApiObjects, each side in a process of its own,
// alternating, several runs; prints the median wall time and peak RSS of both
// and their ratios, for each fleet size.
//
//   node bench/run.js [--apps 1000,10000,30000] [--runs 5]
//
// Before timing anything it checks that both sides write byte-identical
// manifests. Run through `npm run bench`, which compiles the library first.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('apps', '1000,10000,30000').split(',').map(Number);
const runs = Number(option('runs', '5'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-'));

function side(mode, apps, outdir, configFile) {
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const stdout = execFileSync(process.execPath, [path.join(__dirname, 'fleet.js'), mode, String(apps), outdir, configFile].filter(Boolean), {
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const { maxRssKiB } = JSON.parse(stdout.trim().split('\n').pop());
  return { wall, rssMiB: maxRssKiB / 1024 };
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const apps of sizes) {
  const libOut = path.join(work, `lib-${apps}`);
  const rawOut = path.join(work, `raw-${apps}`);
  const configFile = path.join(work, `config-${apps}.json`);
  // The raw side gets the library's ConfigMap literally; then both outputs must match byte for byte.
  side('library', apps, libOut);
  const libFile = path.join(libOut, 'fleet.k8s.yaml');
  const cm = YAML.parseAllDocuments(fs.readFileSync(libFile, 'utf-8')).map(d => d.toJSON()).find(o => o.kind === 'ConfigMap');
  fs.writeFileSync(configFile, JSON.stringify({ configMap: cm, triggers: YAML.parse(cm.data['defaultTriggers.backstage']) }));
  side('raw', apps, rawOut, configFile);
  const a = fs.readFileSync(libFile);
  const b = fs.readFileSync(path.join(rawOut, 'fleet.k8s.yaml'));
  if (!a.equals(b)) {
    console.error(`library and raw manifests differ for ${apps} apps: ${libFile} vs ${path.join(rawOut, 'fleet.k8s.yaml')}`);
    process.exit(1);
  }
  console.error(`${apps} apps: library and raw manifests are byte-identical (${a.length} bytes)`);

  const lib = [];
  const raw = [];
  for (let r = 0; r < runs; r++) {
    // Alternate which side goes first, so neither always runs on a warmer machine.
    const order = r % 2 === 0 ? ['library', 'raw'] : ['raw', 'library'];
    for (const mode of order) {
      const m = side(mode, apps, mode === 'library' ? libOut : rawOut, mode === 'raw' ? configFile : undefined);
      (mode === 'library' ? lib : raw).push(m);
    }
  }
  const row = {
    apps,
    libWall: median(lib.map(m => m.wall)),
    rawWall: median(raw.map(m => m.wall)),
    libRss: median(lib.map(m => m.rssMiB)),
    rawRss: median(raw.map(m => m.rssMiB)),
  };
  rows.push(row);
  console.error(`${apps} apps: library ${row.libWall.toFixed(2)} s ${row.libRss.toFixed(0)} MiB, raw ${row.rawWall.toFixed(2)} s ${row.rawRss.toFixed(0)} MiB`);
}

const cpus = os.cpus();
console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; medians of ${runs} alternating runs, each side a process of its own.`);
console.log('');
console.log('| apps | library wall | raw wall | ratio | library peak RSS | raw peak RSS | ratio |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.apps.toLocaleString('en-US')} | ${r.libWall.toFixed(2)} s | ${r.rawWall.toFixed(2)} s | ${(r.libWall / r.rawWall).toFixed(2)} | ${r.libRss.toFixed(0)} MiB | ${r.rawRss.toFixed(0)} MiB | ${(r.libRss / r.rawRss).toFixed(2)} |`);
}
const at = n => rows.find(r => r.apps === n);
if (at(1000) && at(10000) && at(30000)) {
  const growth = (k, a, b) => at(b)[k] / at(a)[k];
  console.log('');
  console.log(`Growth: library 10k/1k ${growth('libWall', 1000, 10000).toFixed(2)}, 30k/10k ${growth('libWall', 10000, 30000).toFixed(2)}; raw 10k/1k ${growth('rawWall', 1000, 10000).toFixed(2)}, 30k/10k ${growth('rawWall', 10000, 30000).toFixed(2)}.`);
}
fs.rmSync(work, { recursive: true, force: true });

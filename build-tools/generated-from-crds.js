// The command line the generators of src/ from the Application CRD share:
// `node build-tools/<script>.js [CRDS_DIR]` writes the file,
// `node build-tools/<script>.js --check [CRDS_DIR]` fails when it is stale.
// The CRDs come from ../shared/crds, CRDS_DIR, or the argument.
const fs = require('fs');
const path = require('path');

/** Writes (or checks) `out`, the text `render(crdsDir)` gives. */
function writeOrCheck(out, render, script) {
  const args = process.argv.slice(2);
  const check = args[0] === '--check';
  const dir = path.resolve((check ? args[1] : args[0]) ?? process.env.CRDS_DIR ?? path.join(__dirname, '..', '..', 'shared', 'crds'));
  const text = render(dir);
  if (check) {
    if (fs.readFileSync(out, 'utf-8') !== text) {
      console.error(`${path.relative(process.cwd(), out)} is not what ${dir}/application-crd.yaml gives: run node build-tools/${script}`);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), out)} is current`);
  } else {
    fs.writeFileSync(out, text);
    console.log(`wrote ${path.relative(process.cwd(), out)} (${text.length} bytes)`);
  }
}

module.exports = { writeOrCheck };

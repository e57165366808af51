// Measures what each trigger adds to the notifications configuration, and
// how many fit under the API server's 1 MiB limit (README "Performance").
//
//   node bench/size.js
'use strict';
const path = require('path');
const { Chart, Testing } = require('cdk8s');
const { ArgoCdBackstageNotifications, BackstageTrigger } = require(path.join(__dirname, '..', 'lib'));
const { CONFIGURATION_LIMIT_BYTES } = ArgoCdBackstageNotifications;

function bytes(triggers) {
  const chart = new Chart(Testing.app(), 'size');
  return new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: 'https://backstage.example.com', argocdUrl: 'https://argocd.example.com', triggers }).configurationBytes;
}

const kinds = {
  'custom, title only': i => BackstageTrigger.custom({ event: `custom-event-${i}`, when: 'app.status != nil', title: 'Custom event: {app}' }),
  'custom, title and description': i => BackstageTrigger.custom({
    event: `custom-event-${i}`,
    when: 'app.status != nil and app.status.health != nil and app.status.health.status == "Suspended"',
    title: 'Suspended: {app}',
    description: '{app} is suspended at revision {revision}. {healthMessage}',
  }),
};
const many = (make, n) => Array.from({ length: n }, (_, i) => make(i));

console.log('| triggers | bytes per trigger | first count over 1 MiB | 1,000 triggers |');
console.log('|---|---|---|---|');
const builtIns = BackstageTrigger.all();
console.log(`| the 9 built-in ones | ${Math.round((bytes(builtIns) - bytes([BackstageTrigger.DEPLOYED])) / 8).toLocaleString('en-US')} | - | - |`);
for (const [name, make] of Object.entries(kinds)) {
  const perTrigger = (bytes(many(make, 200)) - bytes(many(make, 100))) / 100;
  let lo = 1;
  let hi = 2000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (bytes(many(make, mid)) > CONFIGURATION_LIMIT_BYTES) hi = mid;
    else lo = mid + 1;
  }
  console.log(`| ${name} | ${Math.round(perTrigger).toLocaleString('en-US')} | ${lo} | ${bytes(many(make, 1000)).toLocaleString('en-US')} bytes |`);
}

/**
 * The `plugins` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import {
  DEFAULT_PLUGINS_FILE, DYNAMIC_PLUGINS_KEY, dynamicPluginsConfigMap, NotificationsPluginRole, packageRole, pluginKey, ROLE_NAMES, ROLE_PACKAGES,
} from '../backstage-side';
import { ConfigDoc, Inventory, KubeObject } from '../inventory';
import { parseYamlSpan, Report, Rule, RuleMeta, Where, YamlPath } from '../model';

export const meta: RuleMeta = {
  id: 'plugins',
  severities: ['error', 'warning'],
  summary: 'the notifications or signals plugins disabled or missing in the RHDH dynamic-plugins config, or entries that stop its installer',
  description: [
    "RHDH's installer (`install-dynamic-plugins.py`, which reads the file with PyYAML) merges the `includes` files first and then `plugins`: an",
    'entry whose package key is already known copies its fields over the included one, so `disabled: false` enables a plugin that',
    '`dynamic-plugins.default.yaml` disables, and an entry without `disabled` leaves it disabled. Two entries with the same key at the same level',
    'stop the installer ("duplicate plugin configuration"), and with it the pod.',
  ],
  runtime: "Without the notifications backend Argo CD's POST gets 404; without the frontend nobody sees the notifications; without signals they only appear when the page is reloaded; an entry the installer rejects keeps the pod from starting.",
  remediation: 'Enable the notifications and signals plugins (backend and frontend) with `disabled: false` entries in the `dynamic-plugins.yaml` key the rhdh-operator reads, once each.',
};

const ROLES: NotificationsPluginRole[] = ['notifications', 'notifications-backend', 'signals', 'signals-backend'];

const IMPACT: Record<NotificationsPluginRole, string> = {
  'notifications': 'Backstage stores the notifications Argo CD posts, but users have no notifications page or bell to see them',
  'notifications-backend': 'Backstage has no /api/notifications: every notification Argo CD posts gets 404 and is lost',
  'signals': 'notifications arrive, but the browser is not told: users only see them after reloading the page',
  'signals-backend': 'notifications arrive, but no signal is pushed to the browser: users only see them after reloading the page',
};

function severityOf(role: NotificationsPluginRole): 'error' | 'warning' {
  return role.startsWith('signals') ? 'warning' : 'error';
}

/** How the installer reads `disabled` (current installers: any true-ish value; older ones: only `true`). */
function disabledState(value: unknown): 'enabled' | 'disabled' | 'unclear' {
  if (value === false || value === null || value === undefined) return 'enabled';
  if (value === true) return 'disabled';
  return 'unclear';
}

interface Listed {
  readonly index: number;
  readonly pkg: string;
  readonly entry: any;
}

function checkDoc(doc: ConfigDoc, report: Report): void {
  const value = doc.value ?? {};
  const includes: unknown[] = Array.isArray(value.includes) ? value.includes : [];
  const includesDefault = includes.some(i => typeof i === 'string' && i.split('/').pop() === DEFAULT_PLUGINS_FILE);
  const otherIncludes = includes.filter(i => typeof i === 'string' && i.split('/').pop() !== DEFAULT_PLUGINS_FILE);
  const plugins: unknown[] = Array.isArray(value.plugins) ? value.plugins : [];
  const where = (path: YamlPath): Where => doc.where(path);

  if (value.plugins !== undefined && value.plugins !== null && !Array.isArray(value.plugins)) {
    report({
      severity: 'error',
      where: where(['plugins']),
      key: doc.keyOf(['plugins']),
      message: 'plugins is not a list',
      impact: 'rhdh\'s installer stops ("content of the \'plugins\' field must be a list"), so the pod does not start',
      fix: 'write plugins as a list of {package, disabled}',
    });
    return;
  }

  // Duplicate packages at the same level.
  const keys = new Map<string, number>();
  const listed: Listed[] = [];
  plugins.forEach((entry: any, i) => {
    const pkg = entry?.package;
    if (typeof pkg !== 'string') {
      report({
        severity: 'error',
        where: where(['plugins', i]),
        key: doc.keyOf(['plugins', i, 'package']),
        message: `plugins[${i}] has no package string`,
        impact: 'rhdh\'s installer stops ("content of the \'package\' field must be a string"), so the pod does not start',
        fix: 'give each entry a package, for example ./dynamic-plugins/dist/backstage-plugin-notifications',
      });
      return;
    }
    const k = pluginKey(pkg);
    const first = keys.get(k);
    if (first !== undefined) {
      report({
        severity: 'error',
        where: where(['plugins', i, 'package']),
        key: doc.keyOf(['plugins', i, 'package']),
        message: `plugins[${i}] lists ${pkg} again (plugins[${first}] ${(plugins[first] as any)?.package === pkg ? 'has the same package' : 'is the same package in another version'})`,
        impact: 'rhdh\'s installer stops ("duplicate plugin configuration"), so the pod does not start and no plugin loads',
        fix: 'keep one entry per package, and merge the two entries\' fields into it',
      });
    } else {
      keys.set(k, i);
    }
    listed.push({ index: i, pkg, entry });
  });

  for (const role of ROLES) {
    const mine = listed.filter(l => packageRole(l.pkg) === role);
    const severity = severityOf(role);
    if (mine.length === 0) {
      if (otherIncludes.length > 0 && !includesDefault) continue; // may be enabled in a file that is not among the inputs
      report({
        severity,
        where: where(['plugins']),
        key: doc.keyOf(['plugins']),
        message: includesDefault
          ? `${ROLE_NAMES[role]} is not listed, and ${DEFAULT_PLUGINS_FILE} (included) disables it`
          : `${ROLE_NAMES[role]} is not listed, so RHDH does not install it`,
        impact: IMPACT[role],
        fix: `add - package: ${ROLE_PACKAGES[role]} with disabled: false`,
      });
      continue;
    }
    const enabled = mine.some(l => {
      const hasDisabled = l.entry && typeof l.entry === 'object' && 'disabled' in l.entry;
      const overridesDefault = includesDefault && l.pkg === ROLE_PACKAGES[role];
      return hasDisabled ? disabledState(l.entry.disabled) === 'enabled' : !overridesDefault;
    });
    if (enabled) continue;
    for (const l of mine) {
      const hasDisabled = l.entry && typeof l.entry === 'object' && 'disabled' in l.entry;
      const state = hasDisabled ? disabledState(l.entry.disabled) : 'enabled';
      const path: YamlPath = hasDisabled ? ['plugins', l.index, 'disabled'] : ['plugins', l.index, 'package'];
      const enabledKey = l.entry && typeof l.entry === 'object' && 'enabled' in l.entry ? ' (RHDH reads disabled, not enabled)' : '';
      let message: string;
      if (state === 'disabled') {
        message = `${ROLE_NAMES[role]} (${l.pkg}) has disabled: true`;
      } else if (state === 'unclear') {
        message = `${ROLE_NAMES[role]} (${l.pkg}) has disabled: ${JSON.stringify(l.entry.disabled)}, not a boolean`;
      } else {
        message = `${ROLE_NAMES[role]} (${l.pkg}) is listed without disabled: false${enabledKey}, so the disabled: true of ${DEFAULT_PLUGINS_FILE} stays`;
      }
      report({
        severity,
        where: where(path),
        key: doc.keyOf(path),
        message,
        impact: state === 'unclear'
          ? `current RHDH installers skip a plugin whose disabled is any non-empty value (the string "false" included): ${IMPACT[role]}`
          : `rhdh skips the plugin: ${IMPACT[role]}`,
        fix: `set disabled: false (a YAML boolean, unquoted) on ${l.pkg}`,
      });
    }
  }
}

/** The dynamic-plugins documents RHDH would use. */
function documentsToCheck(inv: Inventory, report: Report): ConfigDoc[] {
  if (inv.backstages.length === 0) return inv.dynamicPlugins;
  const docs: ConfigDoc[] = inv.dynamicPlugins.filter(d => !d.host);
  for (const cr of inv.backstages) {
    const name = cr.value?.spec?.application?.dynamicPluginsConfigMapName;
    if (name === undefined || name === null || name === '') {
      reportDefaultPlugins(cr, report);
      continue;
    }
    const configMap = dynamicPluginsConfigMap(inv, cr);
    if (!configMap) continue;
    const doc = inv.dynamicPlugins.find(d => d.host === configMap && d.hostKey === DYNAMIC_PLUGINS_KEY);
    if (doc) {
      if (!docs.includes(doc)) docs.push(doc);
      continue;
    }
    const hasKey = configMap.view.keysAt(['data']).some(k => k.key === DYNAMIC_PLUGINS_KEY);
    if (hasKey) {
      // A key the inventory did not take for a plugin list (empty, or without plugins): the installer enables nothing.
      const span = configMap.view.spanAt(['data', DYNAMIC_PLUGINS_KEY]);
      const parsed = span ? parseYamlSpan(span, '1.1') : undefined;
      const value = parsed?.ok ? parsed.view.value : undefined;
      if (parsed?.ok && (value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value)))) {
        docs.push(new ConfigDoc(configMap.source, parsed.view, configMap.label, configMap, DYNAMIC_PLUGINS_KEY));
      }
      continue;
    }
    report({
      severity: 'error',
      where: configMap.where(['data']),
      key: 'data',
      message: `${cr.label} names this ConfigMap in dynamicPluginsConfigMapName, but it has no key ${DYNAMIC_PLUGINS_KEY}`,
      impact: `the rhdh-operator only reads the key ${DYNAMIC_PLUGINS_KEY}: the notifications and signals plugins are not enabled, and Argo CD's posts get 404`,
      fix: `rename the key to ${DYNAMIC_PLUGINS_KEY}`,
    });
  }
  return docs;
}

function reportDefaultPlugins(cr: KubeObject, report: Report): void {
  report({
    severity: 'error',
    where: cr.where(['spec', 'application']),
    key: 'spec.application.dynamicPluginsConfigMapName',
    message: `${cr.label} sets no dynamicPluginsConfigMapName, so RHDH runs the operator's default plugin list`,
    impact: `the default list includes ${DEFAULT_PLUGINS_FILE} and enables none of the notifications and signals plugins: Argo CD's posts get 404`,
    fix: `create a ConfigMap with the key ${DYNAMIC_PLUGINS_KEY} that enables the four plugins, and name it in spec.application.dynamicPluginsConfigMapName`,
  });
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const doc of documentsToCheck(inventory, report)) checkDoc(doc, report);
  },
};

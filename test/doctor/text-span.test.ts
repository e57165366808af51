/**
 * File lines through YAML nested in YAML: a template body in a ConfigMap
 * value, written in every scalar style, maps each of its offsets to the line
 * of the file that holds it (TextSpan), so findings point at the action.
 */
import * as fs from 'fs';
import { doctorPaths, findingsOf, fixture } from './util';
import { readInputs } from '../../src/cli/load';
import { buildInventory } from '../../src/doctor/inventory';

test('lines inside YAML nested in YAML: a template body in a ConfigMap value', () => {
  const inv = buildInventory(readInputs([fixture('guide', 'standard-configmap-quoted.yaml')]));
  const template = inv.configs[0].template('app-sync-failed-backstage')!;
  const body = template.fields.find(f => f.path.join('.') === 'webhook.backstage.body')!;
  const lines = fs.readFileSync(fixture('guide', 'standard-configmap-quoted.yaml'), 'utf-8').split('\n');
  const offset = body.text.indexOf('operationState.message');
  expect(lines[body.span.lineOf(offset) - 1]).toContain('**Message:** {{.app.status.operationState.message}}');
  const trigger = inv.configs[0].trigger('on-deployed-backstage')!;
  expect(lines[trigger.conditions![0].when!.line - 1]).toContain("- when: app.status.operationState.phase in ['Succeeded'] and");
});

describe('lines of faults inside values written in every scalar style', () => {
  const lines = (file: string, rule: string) =>
    findingsOf(doctorPaths([fixture('input', file)]), rule).flatMap(f => f.places).map(p => [p.key, p.where.line, p.message.split(/ in (payload|recipients)/)[0].replace('webhook.backstage.body: ', '')]);

  test('folded, double-quoted, indented, flow and kept blocks: the line of the action', () => {
    expect(lines('scalar-styles.yaml', 'json-escaping')).toEqual([
      ['template.folded', 28, '{{.app.status.operationState.message}}'],
      ['template.dq', 32, '{{.app.status.operationState.message}}'],
      ['template.indent', 45, '{{.app.status.operationState.message}}'],
      ['template.flowbody', 50, '{{.app.status.operationState.message}}'],
      ['template.keep', 60, '{{.app.status.operationState.message}}'],
    ]);
  });

  test("kubectl's double-quoted values, continued with \\ and escaped spaces: the line of the action", () => {
    const found = lines('kubectl-style.yaml', 'json-escaping');
    expect(found).toContainEqual(['template.app-sync-failed-backstage', 33, '{{.app.status.operationState.message}}']);
    // The revision and the entity ref these templates also write raw cannot hold a quote: no finding there.
    expect(found).toHaveLength(1);
    expect(findingsOf(doctorPaths([fixture('input', 'kubectl-style.yaml')]), 'title-bound').map(f => f.where.line)).toEqual([13, 21, 30, 39]);
  });
});

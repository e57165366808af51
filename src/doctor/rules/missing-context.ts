/**
 * `missing-context`: a template that reads .context.X that context does not define (renders <no value>).
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'missing-context',
  summary: 'a template that reads .context.X that context does not define (renders <no value>)',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

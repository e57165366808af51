/**
 * `builtin-name`: Argo CD's built-in triggers or templates used with a webhook service, or custom ones that reuse their names.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'builtin-name',
  summary: 'Argo CD\'s built-in triggers or templates used with a webhook service, or custom ones that reuse their names',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

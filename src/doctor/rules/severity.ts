/**
 * `severity`: a literal severity that Backstage does not accept.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'severity',
  summary: 'a literal severity that Backstage does not accept',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

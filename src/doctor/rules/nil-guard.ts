/**
 * `nil-guard`: a condition or template that reads a field under a parent that can be absent, without a guard.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'nil-guard',
  summary: 'a condition or template that reads a field under a parent that can be absent, without a guard',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

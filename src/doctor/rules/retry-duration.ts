/**
 * `retry-duration`: webhook retry waits written as strings such as 5s (the whole configuration fails to load).
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'retry-duration',
  summary: 'webhook retry waits written as strings such as 5s (the whole configuration fails to load)',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

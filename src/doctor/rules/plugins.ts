/**
 * `plugins`: the notifications or signals plugins disabled in the RHDH dynamic-plugins config.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'plugins',
  summary: 'the notifications or signals plugins disabled in the RHDH dynamic-plugins config',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

/**
 * `once-per`: a trigger on sync phase or deployment without oncePer, so it repeats.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'once-per',
  summary: 'a trigger on sync phase or deployment without oncePer, so it repeats',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

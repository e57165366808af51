/**
 * `condition-syntax`: a trigger condition or oncePer that expr cannot compile.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'condition-syntax',
  summary: 'a trigger condition or oncePer that expr cannot compile',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

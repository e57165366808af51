/**
 * `entity-ref`: a subscribed Application without a well-formed backstage.io/entity-ref, or triggers that fire for apps without one.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'entity-ref',
  summary: 'a subscribed Application without a well-formed backstage.io/entity-ref, or triggers that fire for apps without one',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

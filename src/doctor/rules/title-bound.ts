/**
 * `title-bound`: a notification title that can exceed Backstage's 255 characters.
 */
import { Inventory } from '../inventory';
import { Report, Rule } from '../model';

export const rule: Rule = {
  id: 'title-bound',
  summary: 'a notification title that can exceed Backstage\'s 255 characters',
  check(_inventory: Inventory, _report: Report): void {
    // Not written yet.
  },
};

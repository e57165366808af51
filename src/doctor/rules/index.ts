/**
 * The doctor's rules, one module each.
 */
import { Rule } from '../model';
import { rule as appPath } from './app-path';
import { rule as builtinName } from './builtin-name';
import { rule as conditionSyntax } from './condition-syntax';
import { rule as configLoad } from './config-load';
import { rule as entityRef } from './entity-ref';
import { rule as externalAccess } from './external-access';
import { rule as jsonEscaping } from './json-escaping';
import { rule as missingContext } from './missing-context';
import { rule as nilGuard } from './nil-guard';
import { rule as noWebhookSection } from './no-webhook-section';
import { rule as oncePer } from './once-per';
import { rule as operatorOverwrite } from './operator-overwrite';
import { rule as plugins } from './plugins';
import { rule as retryDuration } from './retry-duration';
import { rule as secretKey } from './secret-key';
import { rule as severity } from './severity';
import { rule as subscription } from './subscription';
import { rule as templateParse } from './template-parse';
import { rule as titleBound } from './title-bound';
import { rule as webhookService } from './webhook-service';
import { rule as yaml } from './yaml';

/** Every rule, in the order they run. */
export const RULES: readonly Rule[] = [
  templateParse,
  jsonEscaping,
  conditionSyntax,
  nilGuard,
  appPath,
  oncePer,
  noWebhookSection,
  builtinName,
  missingContext,
  secretKey,
  subscription,
  entityRef,
  severity,
  titleBound,
  retryDuration,
  operatorOverwrite,
  externalAccess,
  plugins,
  yaml,
  configLoad,
  webhookService,
];

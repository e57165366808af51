/**
 * What a migration has planned so far, and what it noted on the way: shared
 * by the steps under src/migrate/, from the configurations to the printed
 * chart.
 */
import { Inventory, NotificationsConfig, ServiceDef, SubscriptionOrigin } from '../doctor/inventory';
import { BackstageTrigger } from '../trigger';
import { Names, RESERVED_IDENTIFIERS } from './code';
import { Declarations, Shape } from './spec-props';

/** Placeholders the chart carries where the input lacks a value, each with a TODO. */
export const TODO_BACKSTAGE_URL = 'https://todo.invalid';
export const TODO_ARGOCD_URL = 'https://todo.invalid';

/** How a trigger of the input is written. */
export interface TriggerPlan {
  /** The input's trigger name. */
  readonly original: string;
  /** Code expressions of the library's triggers it became (several when its conditions are split). */
  readonly refs: string[];
  /** Their trigger names. */
  readonly names: string[];
}

/** A subscription of an Application: from its annotations, or its configuration's defaults. */
export interface AppSubscription {
  readonly trigger: string;
  readonly service: string;
  readonly recipients: string[];
  readonly origin: SubscriptionOrigin;
  readonly key: string;
}

/** Names already given to the library's triggers of a configuration. */
export interface Taken {
  readonly events: Set<string>;
  readonly templates: Set<string>;
  readonly names: Set<string>;
  readonly builtIns: Set<BackstageTrigger>;
}

/** A configuration of the input and how it is written. */
export interface ConfigPlan {
  readonly config: NotificationsConfig;
  readonly service?: ServiceDef;
  readonly variable: string;
  readonly id: string;
  /** Props of ArgoCdBackstageNotifications, as code lines. */
  readonly props: string[];
  readonly triggers: TriggerPlan[];
  /** Custom trigger declarations. */
  readonly declarations: string[];
  /** `notifications.addSubscription(...)` statements. */
  readonly statements: string[];
  /** Whether Applications or statements refer to the variable. */
  used: boolean;
  /** What of the other services is carried over (set by `planCarriedParts`). */
  carried?: CarriedParts;
}

/** What is carried over of the services beside the Backstage webhook. */
export interface CarriedParts {
  /** The names of the services carried. */
  readonly services: ReadonlySet<string>;
  /** The names of the triggers carried, as the input names them. */
  readonly triggers: ReadonlySet<string>;
  /** The new name of each carried trigger whose name a library trigger keeps. */
  readonly renames: ReadonlyMap<string, string>;
}

export class MigrationState {
  /** What is not carried over, and why: the chart's header and `notCarried`. */
  public readonly notes: string[] = [];
  /** What the library does differently from the input. */
  public readonly changes: string[] = [];
  /** What the chart imports from the library, and from cdk8s. */
  public readonly imports = new Set<string>(['ArgoCdBackstageNotifications']);
  public readonly cdk8sImports = new Set<string>(['App', 'Chart']);
  /** Variable names and construct ids given so far. */
  public readonly variables = new Names(RESERVED_IDENTIFIERS);
  public readonly ids = new Names(['Notifications']);
  public readonly plans: ConfigPlan[] = [];
  /** The Applications' and ApplicationSets' code. */
  public readonly appBlocks: string[] = [];
  /** The migrated configurations, as the header names them. */
  public readonly sources: string[] = [];
  public applicationShape?: Shape;
  public configCount = 0;
  /** Notes held back until it is known whether a template comes out the same. */
  public deferred?: Array<() => void>;
  /** The Argo CD URL written for each configuration. */
  public readonly argocdUrls = new Map<NotificationsConfig, string>();
  /** The generated modules' interfaces, for the fields they require. */
  public readonly declarations = new Map<string, Declarations | undefined>();
  public applicationSetShape?: Shape;

  constructor(public readonly inventory: Inventory) {}

  /** How notes name a key of a configuration: the key alone when the input has one configuration. */
  public at(config: NotificationsConfig, key: string): string {
    if (this.configCount <= 1) return key === '' ? config.object.label : key;
    return key === '' ? config.object.label : `${config.object.label}: ${key}`;
  }

  public note(what: string, why: string): void {
    if (this.deferred) {
      this.deferred.push(() => this.note(what, why));
      return;
    }
    const line = `${what}: ${why}`;
    if (!this.notes.includes(line)) this.notes.push(line);
  }

  public change(text: string): void {
    if (this.deferred) {
      this.deferred.push(() => this.change(text));
      return;
    }
    if (!this.changes.includes(text)) this.changes.push(text);
  }
}

// The public API: classes, enum-like classes and the interfaces of their
// props and options, each named here. Helpers stay in src/private/ (and the
// command line in src/cli/, src/doctor/ and src/migrate/), out of reach of
// users, whom jsii would show only the classes anyway.

// Every construct reaches the object it writes as `apiObject`.
export { NotificationsResource } from './resource';

// The Argo CD side.
export { ArgoCdBackstageNotifications } from './notifications';
export type { ArgoCdBackstageNotificationsProps } from './notifications';
export { ArgoCdBackstageNotificationsBase } from './notifications-base';
export type { ArgoCdBackstageNotificationsAttributes, IArgoCdBackstageNotifications, LabelSubscriptionOptions, OtherServiceAttributes, ServiceSubscriptionOptions } from './notifications-base';
export { NotifyingApplication } from './application';
export type { NotifyingApplicationProps } from './application';
export { NotifyingApplicationSet } from './application-set';
export type { NotifyingApplicationSetProps } from './application-set';
export { ArgoCdFlavor } from './flavor';
export { ArgoCdVersion } from './argocd-version';
export { ArgoCdInstance } from './instance';
export type { ArgoCdInstanceOptions } from './instance';
export type { WebhookDeliveryOptions } from './delivery';
export { SubscriptionMode } from './subscription-mode';

// Triggers and what their notifications say.
export { BackstageTrigger } from './trigger';
export type { CustomTriggerProps } from './trigger';
export { NotificationSeverity } from './severity';
export { OncePer } from './once-per';
export { NotificationScope } from './scope';
export { NotificationRecipients } from './recipients';
export type { EntityRecipientsOptions } from './recipients';

// Your own services beside Backstage: Slack, email, Teams, webhooks.
export { NotificationService } from './notification-service';
export type { EmailServiceOptions, SlackServiceOptions, TeamsServiceOptions, WebhookBasicAuthKeys, WebhookServiceOptions } from './notification-service';
export { NotificationTemplate } from './notification-template';
export type { EmailTemplateOptions, NotificationTemplateOptions, SlackTemplateOptions, WebhookTemplateOptions } from './notification-template';
export { NotificationTrigger } from './notification-trigger';
export type { NotificationTriggerCondition } from './notification-trigger';

// The token.
export { BackstageToken } from './token';
export type { ExternalSecretTokenOptions, SecretTokenOptions, ValueTokenOptions } from './token';
export { ExternalSecretStoreKind } from './secret-store';

// The Backstage side.
export { BackstageAppConfig } from './backstage-app-config';
export type { BackstageAppConfigOptions, ExternalAccessEntry } from './backstage-app-config';
export { RhdhNotifications } from './rhdh';
export type { DynamicPluginEntry, RhdhNotificationsProps } from './rhdh';
export { CatalogLink } from './catalog';
export type { CatalogInfoOptions } from './catalog';

// Warnings, and how to acknowledge them.
export { NotificationsWarnings } from './warnings';

// Production operations.
export { NotificationsEgressPolicy, BackstageIngressPolicy } from './network-policy';
export type { BackstageIngressPolicyProps, NotificationsEgressPolicyProps } from './network-policy';
export { NotificationsAlertRules } from './alert-rules';
export type { NotificationsAlertRulesProps } from './alert-rules';

// The generated types of the custom resources the library writes.
export * as argocd from './imports/argocd-application-argoproj.io';
export * as argocdOperator from './imports/argocd-notifications-configuration-argoproj.io';
export * as rhdh from './imports/rhdh-backstage-rhdh.redhat.com';
export * as argocdApplicationSet from './imports/argocd-applicationset-argoproj.io';
export * as externalSecrets from './imports/external-secrets-external-secrets.io';
export * as monitoring from './imports/prometheus-rule-monitoring.coreos.com';

/**
 * Names and paths of Argo CD and Backstage that the constructs and the
 * command line both use, each defined once. The constructs expose the ones
 * users need as static members (`ArgoCdBackstageNotifications.CONFIG_MAP_NAME`,
 * `BackstageToken.DEFAULT_SECRET_NAME`, ...).
 */

/** The ConfigMap standard Argo CD reads its notifications configuration from. */
export const NOTIFICATIONS_CONFIGMAP_NAME = 'argocd-notifications-cm';
/** The only NotificationsConfiguration the argocd-operator reads. */
export const NOTIFICATIONS_CONFIGURATION_NAME = 'default-notifications-configuration';
/** The Secret Argo CD's notifications controller resolves `$key` references from. */
export const NOTIFICATIONS_SECRET_NAME = 'argocd-notifications-secret';
/** The path of Backstage's notifications API. */
export const BACKSTAGE_NOTIFICATIONS_PATH = '/api/notifications/notifications';

/** Argo CD's per-resource sync annotations. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** The annotation in which Argo CD keeps an Application's notification state. */
export const NOTIFIED_ANNOTATION = 'notified.notifications.argoproj.io';

/**
 * Sync waves: the controller switch first, then the token, then the
 * notifications configuration, all before Applications (wave 0).
 */
export const WAVE_CONTROLLER = '-3';
export const WAVE_TOKEN = '-2';
export const WAVE_CONFIG = '-1';

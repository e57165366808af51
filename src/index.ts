export * from './flavor';
export * from './severity';
export * from './once-per';
export * from './token';
export * from './trigger';
export * from './notifications';
export * from './application';
export * as argocd from './imports/argocd-application-argoproj.io';
export * as argocdOperator from './imports/argocd-notifications-configuration-argoproj.io';

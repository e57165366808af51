// A real Backstage backend with the catalog, notifications, signals and auth
// (guest provider) plugins, on SQLite. Configuration comes from the --config
// arguments, as in any Backstage backend.
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-signals-backend'));
backend.add(require('@backstage/plugin-notifications-backend'));
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(require('@backstage/plugin-auth-backend-module-guest-provider'));

backend.start().catch(err => {
  // A failed start does not end the process by itself.
  console.error('backend failed to start:', err);
  process.exit(1);
});

// The plugin's call lifecycle and WebSocket-reconnect suites (plugin/test/helpers/call-suites.ts), the same
// steps as in embedded mode, with media on a real rtcd daemon. Needs the built plugin and rtcd:
// npx tsc -b rtcd plugin.
import { lifecycleSuite, reconnectSuite } from '../helpers/call-suites.js';
import { rtcdMode } from './support/rtcd-mode.js';

lifecycleSuite(rtcdMode);
reconnectSuite(rtcdMode);

// The call lifecycle and WebSocket reconnects with the embedded SFU (the same suites run with rtcd in
// plugin/test/rtcd). Needs the built plugin: npx tsc -b plugin.
import { lifecycleSuite, reconnectSuite } from '../helpers/call-suites.js';
import { embeddedMode } from '../helpers/media-modes.js';

lifecycleSuite(embeddedMode);
reconnectSuite(embeddedMode);
